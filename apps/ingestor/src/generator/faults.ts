import { createHash } from 'node:crypto';
import { StreamlineError } from '@streamline/runtime';
import type { GeneratedUser } from './generate-users.js';

/**
 * Faults the generator can inject, for tests. Every decision is a hash of (seed, page, ...), so a
 * run with the same seed meets the same faults.
 */
export interface FaultSpec {
  /** Fraction of requests answered 503 with Retry-After. */
  rate503: number;
  /** Fraction of requests answered 429 with Retry-After. */
  rate429: number;
  /** Fraction of records with one field broken. */
  badRecordRate: number;
  retryAfterSeconds: number;
  /** At most this many faulty answers per page, so that retries always get through. */
  maxFaultsPerPage: number;
}

export const NO_FAULTS: FaultSpec = Object.freeze({ rate503: 0, rate429: 0, badRecordRate: 0, retryAfterSeconds: 1, maxFaultsPerPage: 2 });

export class FaultSpecError extends StreamlineError {
  /** What is wrong, without the spec (a config error names the variable and the spec itself). */
  readonly reason: string;
  constructor(spec: string, reason: string) {
    const full = `${reason} (expected e.g. "503=0.2,429=0.1,bad=0.01,retry-after=1,max-per-page=2")`;
    super(`invalid fault spec ${JSON.stringify(spec)}: ${full}`);
    this.reason = full;
  }
}

const KEYS: Record<string, keyof FaultSpec> = {
  '503': 'rate503',
  '429': 'rate429',
  bad: 'badRecordRate',
  'retry-after': 'retryAfterSeconds',
  'max-per-page': 'maxFaultsPerPage',
};

/** Parses `503=0.2,429=0.1,bad=0.01,retry-after=1,max-per-page=2`; unset or empty: no faults. */
export function parseFaultSpec(spec: string | null | undefined): FaultSpec {
  const result: FaultSpec = { ...NO_FAULTS };
  if (!spec) return result;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, raw, extra] = part.split('=');
    const key = KEYS[name?.trim() ?? ''];
    if (!key || raw === undefined || extra !== undefined) throw new FaultSpecError(spec, `cannot read ${JSON.stringify(part)}`);
    const value = Number(raw);
    const isRate = key === 'rate503' || key === 'rate429' || key === 'badRecordRate';
    if (!Number.isFinite(value) || value < 0 || (isRate && value > 1) || (!isRate && !Number.isInteger(value))) {
      throw new FaultSpecError(spec, `${name}=${raw} is out of range`);
    }
    result[key] = value;
  }
  if (result.rate503 + result.rate429 > 1) throw new FaultSpecError(spec, '503 + 429 rates exceed 1');
  return result;
}

/** A number in [0, 1) from a key: the same key, the same number. */
export function unitHash(...parts: Array<string | number>): number {
  return createHash('sha256').update(parts.join('\u001f')).digest().readUInt32BE(0) / 2 ** 32;
}

/** The status to answer for the `attempt`-th request (0-based) of a page, or null for a normal answer. */
export function httpFaultFor(spec: FaultSpec, key: string, attempt: number, faultsSoFar: number): 503 | 429 | null {
  if (faultsSoFar >= spec.maxFaultsPerPage || spec.rate503 + spec.rate429 === 0) return null;
  const u = unitHash(key, attempt, 'http');
  if (u < spec.rate503) return 503;
  if (u < spec.rate503 + spec.rate429) return 429;
  return null;
}

export function isCorruptRecord(spec: FaultSpec, seed: string, page: number, index: number): boolean {
  return spec.badRecordRate > 0 && unitHash(seed, page, index, 'bad') < spec.badRecordRate;
}

/** Ways to break one field, each one a record the mapper must reject. */
const CORRUPTIONS: Array<(u: Record<string, unknown> & GeneratedUser) => void> = [
  (u) => void (u.login = { ...u.login, uuid: 'not-a-uuid' }),
  (u) => void (u.email = 'nobody'),
  (u) => void (u.dob = { ...u.dob, date: 'yesterday' }),
  (u) => void (u.name = { ...u.name, first: '' }),
  (u) => void (u.location = { ...u.location, street: { ...u.location.street, number: 'twelve' as unknown as number } }),
  (u) => void delete (u as Partial<GeneratedUser>).registered,
];

/** A copy of the user with one field broken (which one also follows from the hash). */
export function corruptRecord(user: GeneratedUser, seed: string, page: number, index: number): unknown {
  const copy = { ...user } as Record<string, unknown> & GeneratedUser;
  const which = Math.floor(unitHash(seed, page, index, 'which') * CORRUPTIONS.length);
  CORRUPTIONS[which]!(copy);
  return copy;
}
