import { describe, expect, it } from 'vitest';
import { RestError } from '@confluentinc/schemaregistry/dist/rest-error.js';
import { usersProcessedType, type UserProcessed } from '@streamline/user-schema';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { RegistryUnavailableError } from './errors.js';
import { decodeUserMessage, toUserProcessed, type UserDeserializer } from './user-record.js';

const SCHEMA_ID = 17;
const frame = (body: Buffer, id = SCHEMA_ID) => {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, body]);
};
/** Like the registry serde: knows one schema id, decodes the Avro body with it. */
const serde: UserDeserializer = {
  async deserialize(payload) {
    const id = payload.readInt32BE(1);
    if (id !== SCHEMA_ID) throw new RestError(`Schema ${id} not found`, 404, 40403);
    return usersProcessedType.fromBuffer(payload.subarray(5));
  },
};
const [user] = makeProcessedUsers(1, { seed: 3 }) as [UserProcessed];

describe('decodeUserMessage', () => {
  it('decodes a Confluent-framed record', async () => {
    expect(await decodeUserMessage(serde, frame(usersProcessedType.toBuffer(user)))).toEqual({ kind: 'user', user });
  });

  it('turns the message’s own faults into a one-line reason', async () => {
    const cases: Array<[Buffer | null, RegExp]> = [
      [null, /empty value/],
      [Buffer.from('hi'), /bad Confluent framing: message of 2 bytes is too short/],
      [Buffer.from('{"id":"not avro at all"}'), /bad Confluent framing: unknown magic byte 123/],
      [frame(usersProcessedType.toBuffer(user), 999_999), /cannot decode with schema id 999999: Schema 999999 not found/],
      [frame(Buffer.from([2, 0x41])), /cannot decode with schema id 17: /],
      [frame(usersProcessedType.toBuffer({ ...user, id: 'not-a-uuid' })), /invalid record: id="not-a-uuid": not a uuid/],
    ];
    for (const [value, reason] of cases) {
      const decoded = await decodeUserMessage(serde, value);
      expect(decoded.kind).toBe('invalid');
      if (decoded.kind === 'invalid') {
        expect(decoded.reason).toMatch(reason);
        expect(decoded.reason).not.toMatch(/\n/);
      }
    }
  });

  it('throws a retriable error when the registry cannot be reached (the batch is retried, not DLQed)', async () => {
    const down = (error: unknown): UserDeserializer => ({ deserialize: () => Promise.reject(error) });
    const value = frame(usersProcessedType.toBuffer(user));
    await expect(decodeUserMessage(down(new RestError('unavailable', 503, 50301)), value)).rejects.toThrow(RegistryUnavailableError);
    await expect(decodeUserMessage(down(Object.assign(new Error('connect ECONNREFUSED'), { isAxiosError: true })), value)).rejects.toMatchObject({
      retriable: true,
    });
  });
});

describe('toUserProcessed', () => {
  it('keeps only the record’s fields and lower-cases the id', () => {
    const upper = { ...user, id: user.id.toUpperCase(), added_in_v2: 'x' };
    expect(toUserProcessed(upper)).toEqual(user);
  });

  it('names the bad field and value', () => {
    expect(() => toUserProcessed({ ...user, age: 1.5 })).toThrow('invalid record: age=1.5: expected a 32-bit integer');
    expect(() => toUserProcessed({ ...user, email: undefined })).toThrow('invalid record: email=(missing): expected a string');
    expect(() => toUserProcessed({ ...user, staged_at: 9e15 })).toThrow(/staged_at=9000000000000000: expected epoch millis/);
    expect(() => toUserProcessed('x')).toThrow(/not a record/);
  });
});

describe('a registry lookup that gets no answer', () => {
  it('fails as retriable (the client request timeout) instead of sending the message to the DLQ', async () => {
    // What axios throws when createRegistryClient's request timeout runs out.
    const timedOut = Object.assign(new Error('timeout of 20ms exceeded'), { isAxiosError: true, code: 'ECONNABORTED' });
    const hung: UserDeserializer = { deserialize: () => Promise.reject(timedOut) };
    await expect(decodeUserMessage(hung, frame(usersProcessedType.toBuffer(user)))).rejects.toThrow(/schema registry unavailable: timeout of 20ms exceeded/);
    await expect(decodeUserMessage(hung, frame(usersProcessedType.toBuffer(user)))).rejects.toMatchObject({ retriable: true });
  });
});
