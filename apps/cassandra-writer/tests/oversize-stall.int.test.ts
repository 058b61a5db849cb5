import { join } from 'node:path';
import type { Admin, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startApp, stopApp } from '@streamline/app-runner';
import { connectAdmin, connectConsumer, createCassandraClient, createKafka } from '@streamline/clients';
import { ensureTopics } from '@streamline/provisioning';
import { createLogger } from '@streamline/runtime';
import { fetchHealth, scrapeMetric, testConnections, uniqueName, waitFor } from '@streamline/testing';
import type { UserProcessed } from '@streamline/user-schema';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { startWriterApp } from '../src/writer-app.js';
import { dropEverything, offsets, produceUsers, readRows, writerConfig, writerEnv, type TestNames } from './support.js';

const connections = testConnections();
const log = createLogger('cassandra-writer-it', { level: 'warn', format: 'json' });
const logDir = join(repoRoot, '.stack', 'logs', 'it', uniqueName('writer-oversize'));

function names(prefix: string): TestNames {
  return { topic: uniqueName(`${prefix}_processed`), dlqTopic: uniqueName(`${prefix}_dlq`), groupId: uniqueName(`${prefix}_group`), keyspace: uniqueName(`${prefix}_ks`) };
}

async function caughtUp(admin: Admin, n: TestNames, total: number): Promise<boolean> {
  const o = await offsets(admin, n.groupId, n.topic);
  return o.reduce((sum, p) => sum + Math.max(p.committed, 0), 0) === total && o.every((p) => p.end === 0 || p.committed === p.end);
}

async function dlqMessages(kafka: ReturnType<typeof createKafka>, topic: string, expected: number): Promise<KafkaMessage[]> {
  const consumer = await connectConsumer(kafka, { groupId: uniqueName('it_cwo_reader') });
  const got: KafkaMessage[] = [];
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
    await waitFor(() => got.length >= expected, { timeoutMs: 60_000, what: `${expected} DLQ messages` });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe('cassandra-writer: users too wide for a batch, and a partition that cannot move (real Kafka, registry, Cassandra)', () => {
  const kafka = createKafka(connections.kafka);
  const cassandra = createCassandraClient(connections.cassandra);
  let admin: Admin;
  const used: TestNames[] = [];

  beforeAll(async () => {
    admin = await connectAdmin(kafka);
  });

  afterAll(async () => {
    for (const n of used) await dropEverything(admin, cassandra, n);
    await admin.disconnect();
    await cassandra.shutdown();
  });

  it("stores users of 60 KB that Cassandra refuses as a batch (Batch too large): the batch is split, every user and those after them stored, nothing DLQ'd", async () => {
    const n = names('it_cwo_wide');
    used.push(n);
    const users = makeProcessedUsers(300, { seed: 60 });
    // Every 10th user is 60 KB wide: any request holding one is over the 50 KiB batch_size_fail_threshold.
    const wide = users.map((u, i): UserProcessed => (i % 10 === 3 ? { ...u, first_name: 'W'.repeat(60_000) } : u));
    await produceUsers(kafka, admin, n, wide);
    const app = await startWriterApp(writerConfig(n), log);
    try {
      await waitFor(() => caughtUp(admin, n, wide.length), { timeoutMs: 120_000, what: 'every record committed' });
      expect(app.stats()).toMatchObject({ consumed: 300, written: 300, dlq: 0 });
    } finally {
      await app.stop();
    }
    const rows = await readRows(cassandra, n.keyspace);
    expect(rows.size).toBe(300);
    expect([...rows.values()].filter((r) => r.first_name.length === 60_000)).toHaveLength(30);
  });

  it("sends a message the DLQ topic cannot hold without its value, saying so: the partition it came from moves on, every user stored", async () => {
    const n = names('it_cwo_dlqsize');
    used.push(n);
    // A DLQ topic that refuses a message over 2,000 bytes, and an undecodable 5 KB message on partition 2.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: n.dlqTopic, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '2000' }] }] });
    await ensureTopics(admin, [{ topic: n.topic }]);
    const users = makeProcessedUsers(300, { seed: 61 });
    await produceUsers(kafka, admin, n, users.slice(0, 150), [{ key: 'poison', value: Buffer.alloc(5_000, 7), partition: 2 }]);
    await produceUsers(kafka, admin, n, users.slice(150));
    const app = await startWriterApp(writerConfig(n), log);
    try {
      await waitFor(() => caughtUp(admin, n, 301), { timeoutMs: 120_000, what: 'every record committed' });
      expect(app.stats()).toMatchObject({ consumed: 301, written: 300, dlq: 1 });
    } finally {
      await app.stop();
    }
    expect((await readRows(cassandra, n.keyspace)).size).toBe(300);
    const [dlq] = await dlqMessages(kafka, n.dlqTopic, 1);
    expect(dlq!.value).toBeNull();
    expect(String(dlq!.headers?.['dlq.partition'])).toBe('2');
    expect(String(dlq!.headers?.['dlq.value-dropped'])).toBe(`5000 bytes, over the max.message.bytes of ${n.dlqTopic}`);
  });

  it('writes that keep failing (a column gone) count in streamline_errors_total and make /healthz degraded, naming each partition and offset; once mended the writer catches up and is ready', async () => {
    const n = names('it_cwo_stall');
    used.push(n);
    const users = makeProcessedUsers(300, { seed: 62 });
    await produceUsers(kafka, admin, n, users.slice(0, 150));
    const writer = await startApp('cassandra-writer', { logDir, env: writerEnv(n, { WRITER_STALL_AFTER_ATTEMPTS: '3', LOG_LEVEL: 'info' }) });
    try {
      await waitFor(() => caughtUp(admin, n, 150), { timeoutMs: 120_000, what: 'the first 150 committed' });
      expect((await fetchHealth(writer.endpoint)).body.status).toBe('ready');
      // Every insert names first_name: Cassandra refuses each one, whatever the records (not their fault: no DLQ).
      await cassandra.execute(`ALTER TABLE ${n.keyspace}.created_users DROP first_name`);
      await produceUsers(kafka, admin, n, users.slice(150));

      const health = await waitFor(
        async () => {
          const h = await fetchHealth(writer.endpoint);
          return h.body.status === 'degraded' ? h : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500, what: '/healthz degraded' },
      );
      expect(health.status).toBe(503);
      const stalls = health.body.stalls as Record<string, { at: string; attempts: number; reason: string }>;
      const held = await offsets(admin, n.groupId, n.topic);
      expect(held.reduce((sum, p) => sum + p.committed, 0)).toBe(150);
      for (const [key, stall] of Object.entries(stalls)) {
        const partition = Number(/\[(\d)\]$/.exec(key)?.[1]);
        expect(key).toBe(`${n.topic}[${partition}]`);
        // Held at the partition's committed offset: the first record not stored.
        expect(stall.at).toBe(`offset ${held.find((p) => p.partition === partition)!.committed}`);
        expect(stall.attempts).toBeGreaterThanOrEqual(3);
        // One line, bounded, with Cassandra's answer (the column gone, or the re-prepare it makes fail).
        expect(stall.reason).toMatch(/^cassandra did not acknowledge \d+ writes: [^\n]{10,300}$/);
      }
      expect(Object.keys(stalls).length).toBeGreaterThan(0);
      // The dashboard's error panel draws the stalled partitions (a gauge read at scrape time).
      expect(await scrapeMetric(writer.endpoint, 'streamline_stalled_items')).toBeGreaterThanOrEqual(1);
      expect(await scrapeMetric(writer.endpoint, 'streamline_errors_total', { stage: 'write', kind: 'retry' })).toBeGreaterThanOrEqual(3);

      // Mended: the writes go through, every partition catches up and the writer is ready again.
      await cassandra.execute(`ALTER TABLE ${n.keyspace}.created_users ADD first_name text`);
      await waitFor(() => caughtUp(admin, n, 300), { timeoutMs: 180_000, intervalMs: 500, what: 'every partition committed to its end' });
      await waitFor(async () => (await fetchHealth(writer.endpoint)).body.status === 'ready', { timeoutMs: 30_000, what: '/healthz ready again' });
      expect(await scrapeMetric(writer.endpoint, 'streamline_stalled_items')).toBe(0);
    } finally {
      await stopApp(writer);
    }
    const rows = await readRows(cassandra, n.keyspace);
    expect(rows.size).toBe(300);
    expect(rows.get(users[299]!.id)?.first_name).toBe(users[299]!.first_name);
  });
});
