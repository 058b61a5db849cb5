import {
  InvalidRecordError,
  RAW_RECORD_MAX_CHARS,
  RAW_RECORD_MAX_DEPTH,
  type UserSource,
  type UserToStage,
  META_FIELDS,
  checkTextFields,
  checkTextLengths,
  mapApiUser,
  userToStageType,
} from '@streamline/user-schema';
import { FACT_DEPTH, FACT_ESCAPE, FACT_UNICODE_ESCAPE, type ScannedResults, factsOf, lengthOf } from './result-bytes.js';

const isWellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** A value no primitive of the JSON counts as less than, in the raw record's size budget (RAW_RECORD_MAX_CHARS). */
const PRIMITIVE_CHARS = 8;

/**
 * The first thing in the raw record the staging write could not carry, or undefined: nesting deeper
 * than RAW_RECORD_MAX_DEPTH, more than RAW_RECORD_MAX_CHARS in all (strings and keys by length, any
 * other value as PRIMITIVE_CHARS: a huge array counts its items), or a string PostgreSQL's jsonb
 * cannot hold, a NUL (`\u0000`) or a lone UTF-16 surrogate (`\ud800`), either of which would fail the
 * whole batch's transaction. Runs before anything else reads the record (JSON.stringify of one
 * nested thousands deep throws), walks it once and stops at the first fault, and allocates nothing
 * for a good record: it runs on every record.
 */
export function findUnstorable(raw: unknown): InvalidRecordError | undefined {
  let budget = RAW_RECORD_MAX_CHARS;
  const path: string[] = [];
  const fault = (reason: string, value: unknown) => new InvalidRecordError(path.join('.') || '(record)', value, reason);
  const text = (s: string): InvalidRecordError | undefined => {
    budget -= s.length;
    if (budget < 0) return fault(`${s.length} characters, and the record is over its limit of ${RAW_RECORD_MAX_CHARS} in all`, s);
    if (s.includes('\u0000')) return fault('contains a NUL character (\\u0000), which PostgreSQL cannot store', s);
    if (!isWellFormed(s)) return fault('contains a lone UTF-16 surrogate, which PostgreSQL cannot store', s);
    return undefined;
  };
  const walk = (value: unknown): InvalidRecordError | undefined => {
    if (typeof value === 'string') return text(value);
    budget -= PRIMITIVE_CHARS;
    if (value === null || typeof value !== 'object') return undefined;
    if (path.length >= RAW_RECORD_MAX_DEPTH) return fault(`nested deeper than ${RAW_RECORD_MAX_DEPTH} levels`, value);
    const array = Array.isArray(value);
    for (const key in value) {
      path.push(key);
      const found = (array ? undefined : text(key)) ?? walk((value as Record<string, unknown>)[key]);
      if (found) return found;
      if (budget < 0) return fault(`the record is over its limit of ${RAW_RECORD_MAX_CHARS} characters of JSON in all`, value);
      path.pop();
    }
    return undefined;
  };
  return walk(raw);
}

/** What a scan of a result's bytes vouched for (vouchedByScan), so toStageable need not check it again. */
export const VOUCHED_STORABLE = 1;
export const VOUCHED_PLAIN_TEXT = 2;

/**
 * What the scan of result k's bytes (result-bytes.ts) vouches for. VOUCHED_STORABLE: findUnstorable
 * would find nothing: no `\u` escape (in valid UTF-8 JSON the only way to spell a NUL or a lone
 * surrogate), nesting within RAW_RECORD_MAX_DEPTH, and too few bytes for the size budget to run out
 * (each character of a string or key takes at least one byte, each other value at least one byte
 * for its PRIMITIVE_CHARS). VOUCHED_PLAIN_TEXT: no string of it holds a control character or
 * U+FFFD (no escape in it, and neither DEL nor U+FFFD in the body).
 */
export function vouchedByScan(scanned: ScannedResults, k: number): number {
  const facts = factsOf(scanned, k);
  let vouched = 0;
  if ((facts & FACT_UNICODE_ESCAPE) === 0 && (facts & FACT_DEPTH) <= RAW_RECORD_MAX_DEPTH && lengthOf(scanned, k) * PRIMITIVE_CHARS <= RAW_RECORD_MAX_CHARS) {
    vouched |= VOUCHED_STORABLE;
  }
  if ((facts & FACT_ESCAPE) === 0 && scanned.plainText) vouched |= VOUCHED_PLAIN_TEXT;
  return vouched;
}

/**
 * One API result as it will be staged, or InvalidRecordError naming the first bad field: the mapper's
 * checks (the record contract of DESIGN.md), then what the relay must be able to encode (the
 * users_created Avro schema, e.g. street_number is a 32-bit int), what PostgreSQL must be able to
 * store (the raw JSON too) and the size policy of libs/user-schema (each text field's limit). A
 * record refused here is counted and skipped; it never fails its batch or becomes an outbox row the
 * relay cannot publish. `vouched` (vouchedByScan) skips the checks a scan of the result's bytes
 * already answered, for the common record (they were half of this function's cost): the outcome is
 * the same either way.
 */
export function toStageable(raw: unknown, meta: { source: UserSource; ingestRunId: string }, vouched = 0): UserToStage {
  if ((vouched & VOUCHED_STORABLE) === 0) {
    const unstorable = findUnstorable(raw);
    if (unstorable) throw unstorable;
  }
  const record = mapApiUser(raw, meta);
  // Plain text from the source: only the lengths, and the fields the meta gave, are left to check.
  const oversize = vouched & VOUCHED_PLAIN_TEXT ? checkTextLengths(record, META_FIELDS) : checkTextFields(record);
  if (oversize) throw new InvalidRecordError(oversize.field, record[oversize.field], oversize.reason);
  // users_created less staged_at, which the staging write sets. The plain check is the fast one; the
  // hook, which finds the field, only runs for a bad record.
  if (!userToStageType.isValid(record)) {
    let bad = { field: '(record)', value: record as unknown, type: 'record' };
    userToStageType.isValid(record, {
      errorHook: (path, value, type) => {
        if (bad.field === '(record)') bad = { field: path.join('.'), value, type: type.typeName };
      },
    });
    throw new InvalidRecordError(bad.field, bad.value, `not a valid ${bad.type} of the users_created schema`);
  }
  return record;
}
