import { RestError } from '@confluentinc/schemaregistry/dist/rest-error.js';
import { readSchemaId } from '@streamline/clients';
import { describeError } from '@streamline/runtime';
import { RegistryUnavailableError } from './errors.js';
import { type FieldKind, InvalidRecordError, PROCESSED_FIELDS, type UserProcessed } from '@streamline/user-schema';

/** What the writer needs from the Avro serde (`createAvroSerde`): decoding by the schema id in the message. */
export interface UserDeserializer {
  deserialize(payload: Buffer): Promise<unknown>;
}

/** A message decoded into a record, or the one-line reason it cannot be stored (it goes to the DLQ). */
export type DecodedMessage = { kind: 'user'; user: UserProcessed } | { kind: 'invalid'; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TIMESTAMP_MS = 8.64e15; // what a JS Date (and so the driver) can hold
const INT32 = { min: -2_147_483_648, max: 2_147_483_647 };

/** Why a value of this kind cannot be stored, or null when it can. */
const problem: Record<FieldKind, (v: unknown) => string | null> = {
  uuid: (v) => (typeof v === 'string' && UUID.test(v) ? null : 'not a uuid'),
  string: (v) => (typeof v === 'string' ? null : 'expected a string'),
  int: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= INT32.min && v <= INT32.max ? null : 'expected a 32-bit integer'),
  date: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= INT32.min && v <= INT32.max ? null : 'expected a 32-bit integer'),
  'timestamp-millis': (v) => (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_TIMESTAMP_MS ? null : 'expected epoch millis'),
};

/**
 * Checks a decoded value against what the table can store and returns exactly the record's fields
 * (a newer, compatible writer schema may carry more). Throws InvalidRecordError naming the field.
 */
export function toUserProcessed(value: unknown): UserProcessed {
  if (value === null || typeof value !== 'object') throw new InvalidRecordError('(record)', value, 'not a record');
  const v = value as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const { name, kind } of PROCESSED_FIELDS) {
    const reason = problem[kind](v[name]);
    if (reason) throw new InvalidRecordError(name, v[name], reason);
    record[name] = kind === 'uuid' ? (v[name] as string).toLowerCase() : v[name];
  }
  return record as unknown as UserProcessed;
}

/** Registry trouble worth a retry: no HTTP answer at all, a 5xx, 408 or 429. A 404 (unknown id) is the message's fault. */
export function isTransientRegistryError(error: unknown): boolean {
  if (error instanceof RestError) return error.status >= 500 || error.status === 408 || error.status === 429;
  const e = error as { isAxiosError?: boolean; code?: string } | null;
  if (e?.isAxiosError) return true;
  return typeof e?.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE)$/.test(e.code);
}

/**
 * Decodes one Kafka value. Every problem that is the message's own (no value, bad framing, unknown
 * schema id, undecodable body, invalid field) becomes `invalid` with a reason; only a registry
 * that cannot be reached throws (RegistryUnavailableError), so the batch is retried instead.
 */
export async function decodeUserMessage(serde: UserDeserializer, value: Buffer | null): Promise<DecodedMessage> {
  if (value === null || value.length === 0) return { kind: 'invalid', reason: 'empty value (tombstone)' };
  let schemaId: number;
  try {
    schemaId = readSchemaId(value);
  } catch (error) {
    return { kind: 'invalid', reason: `bad Confluent framing: ${describeError(error)}` };
  }
  let decoded: unknown;
  try {
    decoded = await serde.deserialize(value);
  } catch (error) {
    if (error instanceof RegistryUnavailableError) throw error;
    if (isTransientRegistryError(error)) throw new RegistryUnavailableError(error);
    return { kind: 'invalid', reason: `cannot decode with schema id ${schemaId}: ${describeError(error)}` };
  }
  try {
    return { kind: 'user', user: toUserProcessed(decoded) };
  } catch (error) {
    if (error instanceof InvalidRecordError) return { kind: 'invalid', reason: error.message };
    throw error;
  }
}
