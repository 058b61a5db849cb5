import { isIP } from 'node:net';
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

/**
 * The largest whole number a setting takes: Node's timers overflow past it (a longer timeout fires
 * at once), and no count or size here comes near it.
 */
export const MAX_SETTING_INT = 2_147_483_647;

/** A whole number in [min, max], no default. Decimal digits only: `1e3`, `0x10` or `12abc` are refused rather than read as some number. */
export const intInRange = (min: number, max = MAX_SETTING_INT) =>
  z.coerce
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number (decimal digits)')
    .transform(Number)
    .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`));

export const port = (fallback: number) => intInRange(1, 65535).default(fallback);
/** A port where 0 means "any free port". */
export const portOrZero = (fallback: number) => intInRange(0, 65535).default(fallback);
export const positiveInt = (fallback: number) => intInRange(1).default(fallback);
export const nonNegativeInt = (fallback: number) => intInRange(0).default(fallback);
/** Bounded: `max` states the largest value that makes sense. */
export const boundedInt = (fallback: number, min: number, max: number) => intInRange(min, max).default(fallback);
export const positiveNumber = (fallback: number) =>
  z.coerce
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'expected a number such as 5 or 0.5')
    .transform(Number)
    .pipe(z.number().positive('expected more than 0').max(MAX_SETTING_INT, `expected at most ${MAX_SETTING_INT}`))
    .default(fallback);
export const text = (fallback: string) => z.string().min(1).default(fallback);
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values).default(fallback);
export const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, 'expected a comma-separated list'));
/** An http(s) URL: `localhost:8081` (a URL with the scheme `localhost:`) or `ftp://…` are refused. */
export const url = (fallback: string) => z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(fallback);
export const heap = (fallback: string) =>
  z.string().regex(/^\d+[mg]$/, 'expected a JVM heap size such as 512m or 1g').default(fallback);
/** `true|false|1|0`, so a typo such as `yes` fails instead of meaning false. */
export const bool = (fallback: boolean) =>
  oneOf(['true', 'false', '1', '0'] as const, fallback ? 'true' : 'false').transform((v) => v === 'true' || v === '1');
export const topicName = (fallback: string) =>
  z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'expected a Kafka topic name (letters, digits, . _ -)').default(fallback);

/** A DNS name (letters, digits, - and _, dot-separated) or an IP address; no scheme, port or spaces. */
export function isHostName(value: string): boolean {
  if (isIP(value) !== 0) return true;
  return value.length <= 253 && /^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*$/.test(value);
}

const HOST_MESSAGE = 'expected a host name or IP address (no scheme, port or spaces)';
export const hostName = (fallback: string) => z.string().refine(isHostName, HOST_MESSAGE).default(fallback);

/** `host:port` (an IPv6 host in brackets, `[::1]:9092`). */
export function isHostPort(value: string): boolean {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  if (!match) return false;
  const host = match[1] ?? match[2]!;
  const portNumber = Number(match[3]);
  return (match[1] ? isIP(host) === 6 : isHostName(host)) && portNumber >= 1 && portNumber <= 65535;
}

/** Comma-separated `host:port` pairs, e.g. Kafka's bootstrap brokers. */
export const hostPortList = (fallback: string) =>
  list(fallback).refine((items) => items.every(isHostPort), 'expected comma-separated host:port pairs, e.g. 127.0.0.1:9092');

/** Comma-separated hosts, each optionally with `:port`. */
export const hostList = (fallback: string) =>
  list(fallback).refine((items) => items.every((item) => isHostName(item) || isHostPort(item)), 'expected comma-separated host names or addresses');

/** A name of at most `maxBytes` bytes (UTF-8), e.g. PostgreSQL's 63-byte identifiers, which it would silently cut. */
export const boundedText = (fallback: string, maxBytes: number, what: string) =>
  z
    .string()
    .refine((s) => Buffer.byteLength(s) <= maxBytes, `expected at most ${maxBytes} bytes (${what})`)
    .default(fallback);

/** A client, group or data-center name: letters, digits, . _ - (no spaces). */
export const simpleName = (fallback: string) =>
  z.string().regex(/^[\w.-]{1,249}$/, 'expected letters, digits, . _ or - (at most 249)').default(fallback);

/** A Spark master URL: spark://host:port, local, local[*] or local[N], yarn, k8s://… */
export const sparkMasterUrl = (fallback: string) =>
  z.string().regex(/^(spark:\/\/[^\s]+|local(\[(\*|\d+)\])?|yarn|k8s:\/\/[^\s]+)$/, 'expected spark://host:port, local[*] or local[N]').default(fallback);

/**
 * Two settings where the first must not exceed the second (a minimum and a maximum delay). The
 * error names the one that was set: the minimum, unless only the maximum was.
 */
export function readRange(env: Env, minVar: string, maxVar: string, min: number, max: number): { min: number; max: number } {
  if (min <= max) return { min, max };
  const isSet = (name: string) => env[name] !== undefined && env[name] !== '';
  if (isSet(maxVar) && !isSet(minVar)) throw new ConfigError(maxVar, env[maxVar], `must be at least ${minVar} (${min})`);
  throw new ConfigError(minVar, env[minVar], `must not exceed ${maxVar} (${max})`);
}
