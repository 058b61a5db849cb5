import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '@streamline/staging';
import { UnroutableRowError } from './errors.js';
import { publishRows } from './relay.js';

const serde = { serialize: async (v: unknown) => Buffer.from(JSON.stringify(v)) };
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

  it('refuses a row no route names, naming its seq and aggregatetype, and sends nothing', async () => {
    const sent: unknown[] = [];
    const producer = { sendBatch: async (batch: unknown) => (sent.push(batch), []) };
    const publish = publishRows({ producer, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]) }, [row('1', 'user'), row('7', 'users_created')]);
    await expect(publish).rejects.toThrow(UnroutableRowError);
    await expect(publish).rejects.toThrow('outbox row seq 7 has aggregatetype "users_created", which RELAY_ROUTES does not route (routed: user)');
    expect(sent).toEqual([]);
  });

  it('rejects when the broker does not acknowledge, so the claim rolls back', async () => {
    const failing = { sendBatch: async () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')) };
    await expect(publishRows({ producer: failing, serdes: new Map([['t', serde]]), routes: new Map([['user', 't']]) }, [row('1', 'user')])).rejects.toThrow(expect.objectContaining({ dependency: 'kafka', cause: expect.objectContaining({ message: 'NOT_ENOUGH_REPLICAS' }) }));
  });
});
