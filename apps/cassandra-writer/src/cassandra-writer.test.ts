import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { silentLogger } from '@streamline/runtime';
import { usersProcessedType, type UserProcessed } from '@streamline/user-schema';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { createBatchHandler, type BatchPayload } from './cassandra-writer.js';
import type { DlqEntry, DlqSink } from './dlq.js';
import type { UserStore } from './user-store.js';
import { createWriterMetrics } from './writer-metrics.js';

const users = makeProcessedUsers(5, { seed: 5, stagedAt: 1_000_000 });
const frame = (user: UserProcessed) => Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), usersProcessedType.toBuffer(user)]);
const serde = { deserialize: async (p: Buffer) => usersProcessedType.fromBuffer(p.subarray(5)) };
const message = (offset: number, value: Buffer | null): KafkaMessage =>
  ({ offset: String(offset), key: Buffer.from(`k${offset}`), value, headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

/** A kafkajs-like payload that records what the handler did, in order. */
function fakePayload(messages: KafkaMessage[], options: { runningRounds?: number } = {}) {
  const events: string[] = [];
  let rounds = 0;
  const payload: BatchPayload = {
    batch: { topic: 'users_processed', partition: 1, messages },
    resolveOffset: (o) => void events.push(`resolve ${o}`),
    commitOffsetsIfNecessary: async (offsets) => {
      rounds++;
      events.push(`commit ${offsets?.topics[0]?.partitions[0]?.offset}`);
    },
    heartbeat: async () => void events.push('heartbeat'),
    isRunning: () => options.runningRounds === undefined || rounds < options.runningRounds,
    isStale: () => false,
  };
  return { payload, events };
}

function fakes(events: string[], failures: { store?: Error; dlq?: Error } = {}) {
  const written: UserProcessed[][] = [];
  const dlqd: DlqEntry[] = [];
  const store: UserStore = {
    async write(batch) {
      await new Promise((r) => setTimeout(r, 5)); // acked later than the DLQ
      if (failures.store) throw failures.store;
      written.push([...batch]);
      events.push(`write ${batch.length}`);
      return { refused: [] };
    },
  };
  const dlq: DlqSink = {
    async send(entries) {
      if (failures.dlq) throw failures.dlq;
      dlqd.push(...entries);
      if (entries.length) events.push(`dlq ${entries.length}`);
    },
  };
  return { store, dlq, written, dlqd };
}

describe('createBatchHandler', () => {
  it('writes and DLQs each round, then resolves and commits offset + 1, then heartbeats', async () => {
    const messages = [message(10, frame(users[0]!)), message(11, Buffer.from('garbage')), message(12, frame(users[1]!)), message(13, frame(users[2]!)), message(14, frame(users[3]!))];
    const { payload, events } = fakePayload(messages);
    const f = fakes(events);
    const metrics = createWriterMetrics();
    await createBatchHandler({ serde, ...f, metrics, log: silentLogger(), batchSize: 2, now: () => 1_000_500 })(payload);
    expect(events).toEqual([
      'dlq 1', 'write 1', 'resolve 11', 'commit 12', 'heartbeat',
      'write 2', 'resolve 13', 'commit 14', 'heartbeat',
      'write 1', 'resolve 14', 'commit 15', 'heartbeat',
    ]);
    expect(f.written.flat()).toEqual(users.slice(0, 4));
    expect(f.dlqd).toMatchObject([{ topic: 'users_processed', partition: 1, offset: '11', reason: expect.stringMatching(/bad Confluent framing/) }]);
    const stats = metrics.stats();
    expect(stats).toMatchObject({ consumed: 5, written: 4, dlq: 1, rounds: 3 });
    // staged_at = 1_000_000 + i, stored_at = 1_000_500
    expect(stats.latencyMs).toMatchObject({ count: 4, max: 500 });
  });

  it('commits nothing when Cassandra fails: the error goes to kafkajs, which retries the batch', async () => {
    const { payload, events } = fakePayload([message(0, frame(users[0]!)), message(1, frame(users[1]!))]);
    const f = fakes(events, { store: new Error('write timeout') });
    await expect(createBatchHandler({ serde, ...f, metrics: createWriterMetrics(), log: silentLogger(), batchSize: 10 })(payload)).rejects.toThrow('write timeout');
    expect(events.filter((e) => /resolve|commit/.test(e))).toEqual([]);
  });

  it('commits nothing when the DLQ send fails', async () => {
    const { payload, events } = fakePayload([message(0, frame(users[0]!)), message(1, null)]);
    const f = fakes(events, { dlq: new Error('broker down') });
    await expect(createBatchHandler({ serde, ...f, metrics: createWriterMetrics(), log: silentLogger(), batchSize: 10 })(payload)).rejects.toThrow('broker down');
    expect(events.filter((e) => /resolve|commit/.test(e))).toEqual([]);
  });

  it('sends a record Cassandra refused even alone to the DLQ with the reason, after the write, and commits past it', async () => {
    const { payload, events } = fakePayload([message(0, frame(users[0]!)), message(1, frame(users[1]!)), message(2, frame(users[2]!))]);
    const f = fakes(events);
    const store: UserStore = {
      async write(batch) {
        events.push(`write ${batch.length}`);
        return { refused: [{ id: users[1]!.id, reason: 'cassandra refused the row: Mutation too large' }] };
      },
    };
    const metrics = createWriterMetrics();
    await createBatchHandler({ serde, store, dlq: f.dlq, metrics, log: silentLogger(), batchSize: 10 })(payload);
    expect(events).toEqual(['write 3', 'dlq 1', 'resolve 2', 'commit 3', 'heartbeat']);
    expect(f.dlqd).toMatchObject([{ partition: 1, offset: '1', key: Buffer.from('k1'), reason: 'cassandra refused the row: Mutation too large' }]);
    expect(metrics.stats()).toMatchObject({ consumed: 3, written: 2, dlq: 1 });
  });

  it('tells the stall watch of each failed round (same offset each time) and of the round that then goes through', async () => {
    const heard: string[] = [];
    const stall = { failed: (key: string, at: string) => void heard.push(`failed ${key} ${at}`), passed: (key: string) => void heard.push(`passed ${key}`) };
    const messages = [message(7, frame(users[0]!))];
    let fail = true;
    const { events } = fakePayload(messages);
    const f = fakes(events);
    const store: UserStore = {
      async write() {
        if (fail) throw new Error('Batch too large');
        return { refused: [] };
      },
    };
    const handler = createBatchHandler({ serde, store, dlq: f.dlq, metrics: createWriterMetrics(), log: silentLogger(), batchSize: 10, stall });
    await expect(handler(fakePayload(messages).payload)).rejects.toThrow('Batch too large');
    await expect(handler(fakePayload(messages).payload)).rejects.toThrow('Batch too large');
    fail = false;
    await handler(fakePayload(messages).payload);
    expect(heard).toEqual(['failed users_processed[1] offset 7', 'failed users_processed[1] offset 7', 'passed users_processed[1]']);
  });

  it('stops between rounds when the consumer is stopping, leaving the rest uncommitted', async () => {
    const { payload, events } = fakePayload(users.map((u, i) => message(i, frame(u))), { runningRounds: 1 });
    const f = fakes(events);
    await createBatchHandler({ serde, ...f, metrics: createWriterMetrics(), log: silentLogger(), batchSize: 2 })(payload);
    expect(events).toEqual(['write 2', 'resolve 1', 'commit 2', 'heartbeat']);
  });

  it('writes a duplicate id once per round (the latest), and again in a later round', async () => {
    const again = { ...users[0]!, first_name: 'Again' };
    const { payload, events } = fakePayload([message(0, frame(users[0]!)), message(1, frame(again)), message(2, frame(users[0]!))]);
    const f = fakes(events);
    await createBatchHandler({ serde, ...f, metrics: createWriterMetrics(), log: silentLogger(), batchSize: 2 })(payload);
    expect(f.written).toEqual([[again], [users[0]]]);
  });
});
