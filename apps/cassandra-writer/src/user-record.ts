import { RestError } from '@confluentinc/schemaregistry';
import { readSchemaId } from '@streamline/clients';
import { StreamlineError, describeError } from '@streamline/runtime';
import { InvalidRecordError, type UserProcessed } from '@streamline/user-schema';

/** What the writer needs from the Avro serde (`createAvroSerde`): decoding by the schema id in the message. */
export interface UserDeserializer {
  deserialize(payload: Buffer): Promise<unknown>;
}

/** A message decoded into a record, or the one-line reason it cannot be stored (it goes to the DLQ). */
export type DecodedMessage = { kind: 'user'; user: UserProcessed } | { kind: 'invalid'; reason: string };

/** The registry could not be asked (down, 5xx, timeout): retry the batch, do not DLQ the message. */
export class RegistryUnavailableError extends StreamlineError {
  constructor(cause: unknown) {
    super(`schema registry unavailable: ${describeError(cause)}`, { retriable: true, cause });
  }
}

/**
 * The registry client sets no request timeout, so one hung schema lookup would hang the batch (and
 * a graceful stop) forever. After `timeoutMs` the decode fails with RegistryUnavailableError
 * instead: retriable, kafkajs retries the batch.
 */
export function withRegistryTimeout(serde: UserDeserializer, options: { timeoutMs: number }): UserDeserializer {
  return {
    deserialize(payload) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RegistryUnavailableError(new Error(`no answer within ${options.timeoutMs} ms`))), options.timeoutMs);
      });
      return Promise.race([serde.deserialize(payload), timeout]).finally(() => clearTimeout(timer));
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STRING_FIELDS = [
  'first_name',
  'last_name',
  'gender',
  'address',
  'post_code',
  'email',
  'username',
  'phone',
  'cell',
  'picture',
  'nationality',
] as const;
const TIMESTAMP_FIELDS = ['registered_date', 'staged_at', 'processed_at'] as const;
const MAX_TIMESTAMP_MS = 8.64e15; // what a JS Date (and so the driver) can hold
const INT32 = { min: -2_147_483_648, max: 2_147_483_647 };

/**
 * Checks a decoded value against what the table can store and returns exactly the record's fields
 * (a newer, compatible writer schema may carry more). Throws InvalidRecordError naming the field.
 */
export function toUserProcessed(value: unknown): UserProcessed {
  if (value === null || typeof value !== 'object') throw new InvalidRecordError('(record)', value, 'not a record');
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || !UUID.test(v.id)) throw new InvalidRecordError('id', v.id, 'not a uuid');
  for (const field of STRING_FIELDS) {
    if (typeof v[field] !== 'string') throw new InvalidRecordError(field, v[field], 'expected a string');
  }
  for (const field of ['dob', 'age'] as const) {
    const n = v[field];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < INT32.min || n > INT32.max) {
      throw new InvalidRecordError(field, n, 'expected a 32-bit integer');
    }
  }
  for (const field of TIMESTAMP_FIELDS) {
    const n = v[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > MAX_TIMESTAMP_MS) {
      throw new InvalidRecordError(field, n, 'expected epoch millis');
    }
  }
  return {
    id: (v.id as string).toLowerCase(),
    first_name: v.first_name as string,
    last_name: v.last_name as string,
    gender: v.gender as string,
    address: v.address as string,
    post_code: v.post_code as string,
    email: v.email as string,
    username: v.username as string,
    dob: v.dob as number,
    age: v.age as number,
    registered_date: v.registered_date as number,
    phone: v.phone as string,
    cell: v.cell as string,
    picture: v.picture as string,
    nationality: v.nationality as string,
    staged_at: v.staged_at as number,
    processed_at: v.processed_at as number,
  };
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
