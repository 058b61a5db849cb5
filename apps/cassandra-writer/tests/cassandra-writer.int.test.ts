import type { Admin, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';
import { connectAdmin, connectConsumer, createCassandraClient, createKafka, type CassandraClient } from '@streamline/clients';
import { createLogger } from '@streamline/runtime';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import type { UserProcessed } from '@streamline/user-schema';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { startWriterApp } from '../src/writer-app.js';
import { countRows, dropEverything, offsets, produceUsers, readRows, writerConfig, writerEnv, type TestNames } from './support.js';

const connections = testConnections();
const log = createLogger('cassandra-writer-it', { level: 'warn', format: 'json' });

function names(prefix: string): TestNames {
  return { topic: uniqueName(`${prefix}_processed`), dlqTopic: uniqueName(`${prefix}_dlq`), groupId: uniqueName(`${prefix}_group`), keyspace: uniqueName(`${prefix}_ks`) };
}

// Caught up = the group's commits sum to every record produced and sit at each partition's end. The
// total matters: right after the topic is made, a metadata answer can list no partitions (or ends of 0),
// and `every` over that would pass before the writer has read anything.
async function caughtUp(admin: Admin, n: TestNames, total: number): Promise<boolean> {
  const o = await offsets(admin, n.groupId, n.topic);
  const committed = o.reduce((sum, p) => sum + Math.max(p.committed, 0), 0);
  return committed === total && o.every((p) => p.end === 0 || p.committed === p.end);
}

describe('cassandra-writer (real Kafka, registry, Cassandra)', () => {
  const kafka = createKafka(connections.kafka);
  const cassandra: CassandraClient = createCassandraClient(connections.cassandra);
  let admin: Admin;
  const used: TestNames[] = [];
  const readerGroups: string[] = [];

  beforeAll(async () => {
    admin = await connectAdmin(kafka);
  });

  afterAll(async () => {
    for (const n of used) await dropEverything(admin, cassandra, n);
    await admin.deleteGroups(readerGroups).catch(() => undefined);
    await admin.disconnect();
    await cassandra.shutdown();
  });

  it('stores every valid record once, DLQs the bad ones with headers, and commits to the end', async () => {
    const n = names('it_cw');
    used.push(n);
    const N = 200;
    const users = makeProcessedUsers(N, { seed: 20260101 });
    const updated: UserProcessed = { ...users[7]!, first_name: 'Updated', processed_at: users[7]!.processed_at + 1 };
    const badUuid: UserProcessed = { ...users[8]!, id: 'not-a-uuid' };
    const garbage = [
      { key: 'garbage-1', value: Buffer.from('this is not avro'), headers: { origin: 'it' } },
      { key: 'garbage-2', value: Buffer.concat([Buffer.from([0, 0x3a, 0xde, 0x68, 0xb1]), Buffer.from('body')]) }, // schema id 987654321
    ];
    await produceUsers(kafka, admin, n, [...users, updated, badUuid], garbage);

    const started = Date.now();
    const app = await startWriterApp(writerConfig(n), log);
    try {
      await waitFor(() => caughtUp(admin, n, N + 4), { timeoutMs: 90_000, intervalMs: 100, what: 'committed offsets at the end of the topic' });
      const seconds = (Date.now() - started) / 1000;
      const stats = app.stats();
      console.log(
        `[cassandra-writer] ${N} records + 4 others: caught up in ${seconds.toFixed(2)} s from start (migrations and group join included); ` +
          `${stats.rowsPerSecond} rows/s from the first write; latency p50 ${stats.latencyMs.p50} ms p99 ${stats.latencyMs.p99} ms`,
      );
      expect(stats).toMatchObject({ consumed: N + 4, dlq: 3 });
      // N ids; the duplicate is written once more unless it shared a round with its first version
      expect(stats.written).toBeGreaterThanOrEqual(N);
      expect(stats.written).toBeLessThanOrEqual(N + 1);
      expect(stats.latencyMs.count).toBe(stats.written);
      expect((await app.lag()).total).toBe(0);
    } finally {
      await app.stop();
    }
    await app.done;

    // Exactly N rows, each equal to what was produced (the duplicate id holds its latest version).
    expect(await countRows(cassandra, n.keyspace)).toBe(N);
    const rows = await readRows(cassandra, n.keyspace);
    const expected = new Map(users.map((u) => [u.id, u]));
    expected.set(updated.id, updated);
    expect(rows.size).toBe(N);
    for (const [id, want] of expected) {
      const { stored_at, ...got } = rows.get(id)!;
      expect(got).toEqual(want);
      expect(stored_at).toBeGreaterThanOrEqual(want.processed_at);
    }
    const sample = rows.get(users[0]!.id)!;
    expect(sample).toMatchObject({ email: users[0]!.email, dob: users[0]!.dob, age: users[0]!.age, registered_date: users[0]!.registered_date });

    // The committed offsets are the topic's end offsets, partition by partition.
    const final = await offsets(admin, n.groupId, n.topic);
    expect(final.map((p) => p.committed)).toEqual(final.map((p) => (p.end === 0 ? -1 : p.end)));
    expect(final.reduce((sum, p) => sum + p.end, 0)).toBe(N + 4);

    // The DLQ holds the three bad messages: original key and value, contract headers.
    const dlq = await readTopic(n.dlqTopic, 3);
    const byKey = new Map(dlq.map((m) => [m.key!.toString(), m]));
    expect([...byKey.keys()].sort()).toEqual(['garbage-1', 'garbage-2', badUuid.id]);
    const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    for (const m of dlq) {
      expect(header(m, 'dlq.stage')).toBe('cassandra-writer');
      expect(header(m, 'dlq.topic')).toBe(n.topic);
      expect(Number(header(m, 'dlq.partition'))).toBeGreaterThanOrEqual(0);
      expect(header(m, 'dlq.offset')).toMatch(/^\d+$/);
      expect(header(m, 'dlq.reason')).toMatch(/^[^\n\r]+$/);
    }
    expect(byKey.get('garbage-1')!.value).toEqual(garbage[0]!.value);
    expect(header(byKey.get('garbage-1')!, 'origin')).toBe('it');
    expect(header(byKey.get('garbage-1')!, 'dlq.reason')).toMatch(/bad Confluent framing: unknown magic byte 116/);
    expect(byKey.get('garbage-2')!.value).toEqual(garbage[1]!.value);
    expect(header(byKey.get('garbage-2')!, 'dlq.reason')).toMatch(/cannot decode with schema id 987654321/);
    expect(header(byKey.get(badUuid.id)!, 'dlq.reason')).toBe('invalid record: id="not-a-uuid": not a uuid');

    // The query CLI reads the same rows back.
    const one = queryCli(n, ['--id', users[0]!.id, '--json']);
    expect(JSON.parse(one)).toMatchObject({ id: users[0]!.id, email: users[0]!.email, age: users[0]!.age, dob: new Date(users[0]!.dob * 86_400_000).toISOString().slice(0, 10) });
    const latest = queryCli(n, ['--latest', '3']).split('\n');
    expect(latest[0]).toMatch(/^id\s+first_name\s+last_name\s+email/);
    expect(latest.slice(2, 5).every((line) => expected.has(line.split(/\s+/)[0]!))).toBe(true);
    expect(latest[5]).toBe("3 latest, from the writer's newest rounds");
    // ...and they are the latest: none stored before the third-latest stored_at of the table.
    const storedAts = (await cassandra.execute(`SELECT stored_at FROM ${n.keyspace}.created_users`, [], { fetchSize: 1000 })).rows.map((r) => (r.get('stored_at') as Date).getTime()).sort((a, b) => b - a);
    const latestJson = JSON.parse(queryCli(n, ['--latest', '3', '--json'])) as Array<{ stored_at: string }>;
    expect(latestJson).toHaveLength(3);
    for (const u of latestJson) expect(Date.parse(u.stored_at)).toBeGreaterThanOrEqual(storedAts[2]!);
    // Without the rounds (e.g. past their TTL) it falls back to the bounded scan.
    await cassandra.execute(`TRUNCATE ${n.keyspace}.created_users_rounds`);
    expect(queryCli(n, ['--latest', '3']).split('\n')[5]).toBe(`3 of ${N} rows scanned`);
  });

  it('keeps up with a larger backlog (informal throughput; speed is not asserted)', async () => {
    const n = names('it_cw_bulk');
    used.push(n);
    const N = 20_000;
    await produceUsers(kafka, admin, n, makeProcessedUsers(N, { seed: 99 }));
    const started = Date.now();
    const app = await startWriterApp(writerConfig(n), log);
    try {
      await waitFor(() => caughtUp(admin, n, N), { timeoutMs: 170_000, intervalMs: 100, what: `${N} records committed` });
      const stats = app.stats();
      console.log(
        `[cassandra-writer] bulk: ${N} rows in ${((Date.now() - started) / 1000).toFixed(2)} s from start; ${stats.rowsPerSecond} rows/s from the first write ` +
          `(batch ${writerConfig(n).batchSize}, concurrency ${writerConfig(n).concurrency} x ${writerConfig(n).partitionsConsumedConcurrently} partitions)`,
      );
    } finally {
      await app.stop();
    }
    expect(await countRows(cassandra, n.keyspace)).toBe(N);
  });

  async function readTopic(topic: string, count: number): Promise<KafkaMessage[]> {
    const messages: KafkaMessage[] = [];
    const groupId = uniqueName('it_dlq_reader');
    readerGroups.push(groupId);
    const consumer = await connectConsumer(kafka, { groupId });
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
      await waitFor(() => messages.length >= count, { timeoutMs: 30_000, what: `${count} DLQ messages` });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }
});

/** Reads back what the writer stored through the read side, the user-query app. */
function queryCli(n: TestNames, args: string[]): string {
  const res = runAppToEnd('user-query', args, { env: writerEnv(n) });
  if (res.status !== 0) throw new Error(`user-query ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return res.stdout.trim();
}
