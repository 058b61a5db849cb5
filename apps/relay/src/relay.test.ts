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
      { producer, serdes: new Map([['t_users', serde], ['t_orders', serde]]), routes: new Map([['user', 't_users'], ['order', 't_orders']]), maxRequestBytes: 1_000_000 },
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
    const setAside = await publishRows({ producer, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]), maxRequestBytes: 1_000_000 }, [row('1', 'user'), row('7', 'users_created'), poison, row('10', 'user')]);
    expect(setAside).toEqual([
      { seq: '7', reason: 'outbox row seq 7 has aggregatetype "users_created", which RELAY_ROUTES does not route (routed: user)' },
      { seq: '9', reason: 'outbox row seq 9 (id e9) payload does not fit t-value (schema id 7): id: 42 is not string' },
    ]);
    expect(sent.flatMap((b) => b.topicMessages!.flatMap((t) => t.messages.map((m) => m.key)))).toEqual(['u1', 'u10']);
  });

  it('sends nothing when every row is set aside', async () => {
    const sent: unknown[] = [];
    const producer = { sendBatch: async (batch: unknown) => (sent.push(batch), []) };
    expect(await publishRows({ producer, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]), maxRequestBytes: 1_000_000 }, [row('3', 'order')])).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it('rejects the whole round when the registry cannot be reached (not a poison row: it rolls back and runs again)', async () => {
    const down = { serialize: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' })) };
    const producer = { sendBatch: async () => [] };
    await expect(publishRows({ producer, serdes: new Map([['t', down]]), routes: new Map([['user', 't']]), maxRequestBytes: 1_000_000 }, [row('1', 'user')])).rejects.toMatchObject({ dependency: 'schema-registry', retriable: true });
  });

  it('rejects when the broker does not acknowledge, so the claim rolls back', async () => {
    const failing = { sendBatch: async () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')) };
    await expect(publishRows({ producer: failing, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]), maxRequestBytes: 1_000_000 }, [row('1', 'user')])).rejects.toThrow(expect.objectContaining({ dependency: 'kafka', cause: expect.objectContaining({ message: 'NOT_ENOUGH_REPLICAS' }) }));
  });

  it('sends a claimed batch in requests that fit maxRequestBytes, in seq order, and sets aside a row too large alone', async () => {
    const sent: ProducerBatch[] = [];
    const producer = { sendBatch: async (batch: ProducerBatch) => (sent.push(batch), []) };
    const sized = (seq: string, chars: number) => ({ ...row(seq, 'user'), payload: { id: `u${seq}`, name: 'x'.repeat(chars) } });
    const rows = [sized('1', 3000), sized('2', 3000), sized('3', 20_000), sized('4', 3000), sized('5', 100)];
    const setAside = await publishRows({ producer, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]), maxRequestBytes: 8_000 }, rows);
    expect(setAside).toEqual([{ seq: '3', reason: expect.stringMatching(/^outbox row seq 3 \(id e3\) is \d+ bytes as a produce request, over the limit of 8000: too large for t$/) }]);
    const requests = sent.map((b) => b.topicMessages!.flatMap((t) => t.messages.map((m) => m.key)));
    expect(requests).toEqual([['u1', 'u2'], ['u4', 'u5']]);
  });

  it('splits a request the broker refuses for its size down to the row it refuses alone, which is set aside with the reason', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE' });
    const sent: string[][] = [];
    const producer = {
      sendBatch: async (batch: ProducerBatch) => {
        const keys = batch.topicMessages!.flatMap((t) => t.messages.map((m) => String(m.key)));
        // The broker's limit is lower than the relay was told: it takes 2 rows at most, and never u3.
        if (keys.length > 2 || keys.includes('u3')) throw tooLarge;
        sent.push(keys);
        return [];
      },
    };
    const rows = ['1', '2', '3', '4', '5'].map((seq) => row(seq, 'user'));
    const setAside = await publishRows({ producer, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]), maxRequestBytes: 1_000_000 }, rows);
    expect(setAside).toEqual([{ seq: '3', reason: `outbox row seq 3 (id e3) was refused by the broker: ${tooLarge.message}: too large for t` }]);
    expect(sent.flat()).toEqual(['u1', 'u2', 'u4', 'u5']);
  });
});
