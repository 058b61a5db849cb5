import { z } from 'zod';
import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

/** Reads one variable through a zod schema; an empty string counts as unset. */
export function readVar<S extends z.ZodType>(env: Env, name: string, schema: S): z.output<S> {
  const raw = env[name] === '' ? undefined : env[name];
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(name, raw, issue?.message ?? 'invalid value');
  }
  return result.data;
}

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const text = (fallback: string) => z.string().min(1).default(fallback);
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values).default(fallback);
export const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, 'expected a comma-separated list'));
export const url = (fallback: string) => z.url().default(fallback);
export const heap = (fallback: string) =>
  z.string().regex(/^\d+[mg]$/, 'expected a JVM heap size such as 512m or 1g').default(fallback);
export const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
export const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback);
/** `true|false|1|0`, so a typo such as `yes` fails instead of meaning false. */
export const bool = (fallback: boolean) =>
  oneOf(['true', 'false', '1', '0'] as const, fallback ? 'true' : 'false').transform((v) => v === 'true' || v === '1');
export const topicName = (fallback: string) =>
  z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'expected a Kafka topic name (letters, digits, . _ -)').default(fallback);
