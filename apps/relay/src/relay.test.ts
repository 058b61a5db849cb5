import type { ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RecordEncodeError } from '@streamline/clients';
import type { OutboxRow } from '@streamline/staging';
import { publishRows } from './relay.js';

const serde = {
  serialize: async (v: unknown) => {
    if ((v as { id?: unknown }).id === 42) throw new RecordEncodeError('t-value', 7, ['id: 42 is not string'], new Error('invalid "string": 42'));
    return Buffer.from(JSON.stringify(v));
  },
};
const row = (seq: string, aggregatetype: string, type = 'UserCreated'): OutboxRow => ({ seq, id: `e${seq}`, aggregatetype, aggregateid: `u${seq}`, type, payload: { id: `u${seq}` } });

describe('publishRows', () => {
  it('routes each row by aggregatetype, keyed by aggregateid, with the event id and type as headers, acks=all, in one batch', async () => {
    const sent: unknown[] = [];
    const producer = { sendBatch: async (batch: unknown) => (sent.push(batch), []) };
    await publishRows(
      { producer, serdes: new Map([['t_users', serde], ['t_orders', serde]]), routes: new Map([['user', 't_users'], ['order', 't_orders']]) },
      [row('1', 'user'), row('2', 'order', 'OrderPlaced'), row('3', 'user')],
    );
    expect(sent).toEqual([
      {
        acks: -1,
        topicMessages: [
          {
            topic: 't_users',
            messages: [
              { key: 'u1', value: Buffer.from('{"id":"u1"}'), headers: { id: 'e1', type: 'UserCreated' } },
              { key: 'u3', value: Buffer.from('{"id":"u3"}'), headers: { id: 'e3', type: 'UserCreated' } },
            ],
          },
          { topic: 't_orders', messages: [{ key: 'u2', value: Buffer.from('{"id":"u2"}'), headers: { id: 'e2', type: 'OrderPlaced' } }] },
        ],
      },
    ]);
  });

  it('sets aside a row no route names and a payload the schema cannot encode, with reasons, and sends the rest', async () => {
    const sent: ProducerBatch[] = [];
    const producer = { sendBatch: async (batch: ProducerBatch) => (sent.push(batch), []) };
    const poison = { ...row('9', 'user'), payload: { id: 42 } };
    const setAside = await publishRows({ producer, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]) }, [row('1', 'user'), row('7', 'users_created'), poison, row('10', 'user')]);
    expect(setAside).toEqual([
      { seq: '7', reason: 'outbox row seq 7 has aggregatetype "users_created", which RELAY_ROUTES does not route (routed: user)' },
      { seq: '9', reason: 'outbox row seq 9 (id e9) payload does not fit t-value (schema id 7): id: 42 is not string' },
    ]);
    expect(sent.flatMap((b) => b.topicMessages!.flatMap((t) => t.messages.map((m) => m.key)))).toEqual(['u1', 'u10']);
  });

  it('sends nothing when every row is set aside', async () => {
    const sent: unknown[] = [];
    const producer = { sendBatch: async (batch: unknown) => (sent.push(batch), []) };
    expect(await publishRows({ producer, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]) }, [row('3', 'order')])).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it('rejects the whole round when the registry cannot be reached (not a poison row: it rolls back and runs again)', async () => {
    const down = { serialize: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' })) };
    const producer = { sendBatch: async () => [] };
    await expect(publishRows({ producer, serdes: new Map([['t', down]]), routes: new Map([['user', 't']]) }, [row('1', 'user')])).rejects.toMatchObject({ dependency: 'schema-registry', retriable: true });
  });

  it('rejects when the broker does not acknowledge, so the claim rolls back', async () => {
    const failing = { sendBatch: async () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')) };
    await expect(publishRows({ producer: failing, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]) }, [row('1', 'user')])).rejects.toThrow(expect.objectContaining({ dependency: 'kafka', cause: expect.objectContaining({ message: 'NOT_ENOUGH_REPLICAS' }) }));
  });
});
