// The launcher's settings of the job's options, built from the job's contract
// (@streamline/spark-job-contract): the default, bounds, choices and pattern are the job's own, so
// a value the launcher accepts is one the job accepts, and a changed default changes both.
import { z } from 'zod';
import { DURATION_PATTERN } from '@streamline/spark-job-contract';
import { MAX_SETTING_INT, intInRange, oneOf } from '@streamline/config';

interface NumberSpec {
  type: 'integer' | 'number';
  default: number;
  minimum?: number;
  exclusiveMinimum?: number;
}

/** A whole number (integer options) or a decimal one (number options) within the contract's bounds. */
export function jobNumber(spec: NumberSpec) {
  if (spec.type === 'integer') return intInRange(spec.minimum ?? 0).default(spec.default);
  const above = spec.exclusiveMinimum;
  const bounded = z.number().max(MAX_SETTING_INT, `expected at most ${MAX_SETTING_INT}`);
  return z.coerce
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'expected a number such as 5 or 0.5')
    .transform(Number)
    .pipe(above !== undefined ? bounded.gt(above, `expected more than ${above}`) : bounded.min(spec.minimum ?? 0, `expected at least ${spec.minimum ?? 0}`))
    .default(spec.default);
}

export const jobDuration = (spec: { default: string }) =>
  z.string().regex(new RegExp(DURATION_PATTERN), `expected a duration such as "${spec.default}"`).default(spec.default);

export const jobChoice = <const T extends readonly [string, ...string[]]>(spec: { choices: T; default: T[number] }) => oneOf(spec.choices, spec.default);

export const jobPattern = (spec: { pattern: string; patternHint: string; default: string }) =>
  z.string().regex(new RegExp(spec.pattern), `expected ${spec.patternHint}`).default(spec.default);

const isOffsetsJson = (s: string) => {
  try {
    const parsed: unknown = JSON.parse(s);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
};

/** `earliest`, `latest` or a Spark offsets JSON object, as the job checks it. */
export const jobOffsets = (spec: { default: string }) =>
  z
    .string()
    .refine((s) => s === 'earliest' || s === 'latest' || isOffsetsJson(s), 'expected earliest, latest or Spark offsets JSON (an object, e.g. {"users_created":{"0":-2}})')
    .default(spec.default);

/** The launcher flag's help line: the contract's description and default, and the variable it overrides. */
export function jobFlagHelp(spec: { description: string; default: string | number; env: string }): string {
  return `${spec.description} (default ${spec.env}, ${spec.default})`;
}
