import policy from '../size-policy.json' with { type: 'json' };
import type { UserToStage } from './map-api-user.js';

/**
 * The size policy of a user record: the one place every stage reads its limits from
 * (libs/user-schema/size-policy.json; the Spark job restates them, and a test of its own fails when they drift).
 *
 * Each text field of users_created has a maximum length, in UTF-16 code units (JavaScript's
 * `length`). The limits sit far above anything real: randomuser.me API 1.4 values run to about 15
 * characters for a name or a city, 45 for a street or a timezone description, 40 for an email, 20
 * for a username or a phone number, 10 for a postcode, 60 for a picture URL, 2 for a nationality;
 * every limit is at least 10x that (URLs get 2,048, the usual browser-safe length; an email 320,
 * the most RFC 5321 allows). A record over a limit is refused at the ingestor, so no stage after it
 * ever sees one.
 *
 * The limits also bound a record's bytes: one code unit is at most 3 bytes of UTF-8, so a record
 * within every limit encodes to at most RECORD_MAX_BYTES (checked in size-policy.test.ts), which fits
 * Kafka's default 1 MiB message and Cassandra's 50 KiB batch_size_fail_threshold with room to spare:
 * a record within the policy is never too big for a message or a single-row write, only a batch of
 * them can be, and the relay and the writer split those.
 */
export const TEXT_LIMITS: Readonly<typeof policy.textLimits> = Object.freeze(policy.textLimits) satisfies Partial<Record<keyof UserToStage, number>>;

export type TextField = keyof typeof TEXT_LIMITS;

/** The most bytes of UTF-8 a record within TEXT_LIMITS can take as text: 3 per code unit. */
export const RECORD_MAX_TEXT_BYTES = Object.values(TEXT_LIMITS).reduce((sum, n) => sum + 3 * n, 0);

/** A record within the policy, Avro-encoded with its numbers, enum and framing: under this many bytes. */
export const RECORD_MAX_BYTES = RECORD_MAX_TEXT_BYTES + 1024;

/**
 * The raw API result as received (kept in staging's users_raw, beside the fields we map): a real
 * one is about 1.2 KB of JSON. Its strings, keys and values are counted (each other value as 8), so
 * a huge array or a long unmapped field is refused too, before anything copies it.
 */
export const RAW_RECORD_MAX_CHARS = policy.rawRecordMaxChars;

/** Deeper than any randomuser answer (4 levels); a deeper record is refused before anything recurses into it. */
export const RAW_RECORD_MAX_DEPTH = policy.rawRecordMaxDepth;

/** C0 control characters and DEL: never in a name, an address or a URL (a tab or newline would break one-line output). */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with one text field of a record, or undefined when it is within the policy. */
export interface SizeViolation {
  field: TextField;
  length: number;
  reason: string;
}

/**
 * The first text field over its limit or holding a control character, or undefined. Reads the
 * fields in place (no copy): it runs on every record.
 */
export function checkTextFields(record: UserToStage): SizeViolation | undefined {
  for (const field in TEXT_LIMITS) {
    const value = record[field as TextField];
    if (typeof value !== 'string') continue;
    const max = TEXT_LIMITS[field as TextField];
    if (value.length > max) return { field: field as TextField, length: value.length, reason: `${value.length} characters, over the limit of ${max}` };
    if (CONTROL.test(value)) return { field: field as TextField, length: value.length, reason: 'contains a control character' };
    // What a decoder leaves of invalid UTF-8 (the body's bytes were not text): never in real data.
    if (value.includes('\ufffd')) return { field: field as TextField, length: value.length, reason: 'contains invalid UTF-8 (decoded as U+FFFD)' };
  }
  return undefined;
}

/** The characters checkTextFields refuses besides lengths. */
const UNPRINTABLE = /[\u0000-\u001f\u007f\ufffd]/;

/**
 * checkTextFields, with the same answer, for a record whose text fields are known to hold no
 * control character or U+FFFD but for those named in `unvouched` (the ingestor knows it from a
 * scan of the bytes the fields came from): the others only have their lengths checked, which is
 * most of the cost gone from the common record. Anything found is answered by checkTextFields.
 */
export function checkTextLengths(record: UserToStage, unvouched: ReadonlyArray<keyof UserToStage>): SizeViolation | undefined {
  for (const field in TEXT_LIMITS) {
    const value = record[field as TextField];
    if (typeof value === 'string' && value.length > TEXT_LIMITS[field as TextField]) return checkTextFields(record);
  }
  for (const field of unvouched) {
    const value = record[field];
    if (typeof value === 'string' && UNPRINTABLE.test(value)) return checkTextFields(record);
  }
  return undefined;
}
