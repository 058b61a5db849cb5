import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '@streamline/staging';
import { publishRows } from './relay.js';

describe('publishRows', () => {
  it('sends every row keyed by user id with its event id header, acks=all, in one batch', async () => {
    const sent: unknown[] = [];
    const rows: OutboxRow[] = [
      { seq: '1', id: 'e1', aggregatetype: 'users_created', aggregateid: 'u1', payload: { id: 'u1' } },
      { seq: '2', id: 'e2', aggregatetype: 'users_created', aggregateid: 'u2', payload: { id: 'u2' } },
    ];
    await publishRows(
      {
        topic: 't',
        serde: { serialize: async (v) => Buffer.from(JSON.stringify(v)) },
        producer: {
          sendBatch: async (batch) => {
            sent.push(batch);
            return [];
          },
        },
      },
      rows,
    );
    expect(sent).toEqual([
      {
        acks: -1,
        topicMessages: [
          {
            topic: 't',
            messages: [
              { key: 'u1', value: Buffer.from('{"id":"u1"}'), headers: { id: 'e1', type: 'UserCreated' } },
              { key: 'u2', value: Buffer.from('{"id":"u2"}'), headers: { id: 'e2', type: 'UserCreated' } },
            ],
          },
        ],
      },
    ]);
  });

  it('rejects when the broker does not acknowledge, so the claim rolls back', async () => {
    const failing = { sendBatch: async () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')) };
    await expect(
      publishRows({ topic: 't', serde: { serialize: async () => Buffer.alloc(1) }, producer: failing }, [
        { seq: '1', id: 'e', aggregatetype: 'x', aggregateid: 'k', payload: {} },
      ]),
    ).rejects.toThrow('NOT_ENOUGH_REPLICAS');
  });
});
