import { InvalidRecordError, type UserSource, type UserToStage, mapApiUser, userToStageType } from '@streamline/user-schema';

/** Deeper than any randomuser answer (4 levels); a deeper record is refused before anything recurses into it. */
const MAX_DEPTH = 32;

const isWellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** Whether anything in `value` (keys included) is a string PostgreSQL's jsonb cannot hold, or is nested too deep. Allocates nothing: it runs on every record. */
function hasUnstorable(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !isWellFormed(value);
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (hasUnstorable(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (hasUnstorable(key, depth) || hasUnstorable((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * The error for the first string in `value` (keys included) that PostgreSQL's jsonb cannot hold: a
 * NUL (`\u0000`) or a lone UTF-16 surrogate (`\ud800`). Either one would fail its whole batch's
 * transaction. Only run once hasUnstorable said there is one.
 */
function findUnstorable(value: unknown, path: string[]): InvalidRecordError | undefined {
  if (path.length > MAX_DEPTH) return new InvalidRecordError(path.join('.'), '(deep)', `nested deeper than ${MAX_DEPTH} levels`);
  const check = (text: string, at: string[]) => {
    if (text.includes('\u0000')) return new InvalidRecordError(at.join('.') || '(record)', text, 'contains a NUL character (\\u0000), which PostgreSQL cannot store');
    if (!isWellFormed(text)) return new InvalidRecordError(at.join('.') || '(record)', text, 'contains a lone UTF-16 surrogate, which PostgreSQL cannot store');
    return undefined;
  };
  if (typeof value === 'string') return check(value, path);
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = check(key, [...path, key]) ?? findUnstorable(inner, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * One API result as it will be staged, or InvalidRecordError naming the first bad field: the mapper's
 * checks (the record contract of DESIGN.md), then what the relay must be able to encode (the
 * users_created Avro schema, e.g. street_number is a 32-bit int) and what PostgreSQL must be able to
 * store (the raw JSON too). A record refused here is counted and skipped; it never fails its batch or
 * becomes an outbox row the relay cannot publish.
 */
export function toStageable(raw: unknown, meta: { source: UserSource; ingestRunId: string }): UserToStage {
  const record = mapApiUser(raw, meta);
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
  if (hasUnstorable(raw, 0)) throw findUnstorable(raw, []) ?? new InvalidRecordError('(record)', raw, 'cannot be stored');
  return record;
}
