import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin, connectConsumer, createCassandraClient, createKafka } from '@streamline/clients';
import { createLogger } from '@streamline/runtime';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import { startWriterApp, type WriterApp } from '../src/writer-app.js';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { countRows, dropEverything, offsets, produceUsers, readRows, writerConfig, writerEnv, type TestNames } from './support.js';

const root = join(import.meta.dirname, '..', '..', '..');
const connections = testConnections();
const log = createLogger('cassandra-writer-it', { level: 'warn', format: 'json' });
// Small rounds, one partition at a time: the run is many commits long, so a stop lands mid-way.
const small = { WRITER_BATCH_SIZE: '20', WRITER_PARTITIONS_CONCURRENTLY: '1' };

describe('cassandra-writer stop, crash and restart (real Kafka, registry, Cassandra)', () => {
  const kafka = createKafka(connections.kafka);
  const cassandra = createCassandraClient(connections.cassandra);
  const n: TestNames = {
    topic: uniqueName('it_cwr_processed'),
    dlqTopic: uniqueName('it_cwr_dlq'),
    groupId: uniqueName('it_cwr_group'),
    keyspace: uniqueName('it_cwr_ks'),
  };
  const readerGroup = uniqueName('it_cwr_reader');
  let admin: Admin;

  beforeAll(async () => {
    admin = await connectAdmin(kafka);
  });

  afterAll(async () => {
    await dropEverything(admin, cassandra, n);
    await admin.deleteGroups([readerGroup]).catch(() => undefined);
    await admin.disconnect();
    await cassandra.shutdown();
  });

  /** partition -> offset -> id, read back from the topic. */
  async function offsetsToIds(count: number): Promise<Map<number, string[]>> {
    const byPartition = new Map<number, string[]>();
    let seen = 0;
    const consumer = await connectConsumer(kafka, { groupId: readerGroup });
    try {
      await consumer.subscribe({ topic: n.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const ids = byPartition.get(partition) ?? [];
          ids[Number(message.offset)] = message.key!.toString();
          byPartition.set(partition, ids);
          seen++;
        },
      });
      await waitFor(() => seen >= count, { timeoutMs: 30_000, what: `${count} messages read back` });
    } finally {
      await consumer.disconnect();
    }
    return byPartition;
  }

  /** At-least-once: every message below a committed offset has its row. */
  async function expectCommittedPrefixStored(ids: Map<number, string[]>): Promise<number> {
    const rows = await readRows(cassandra, n.keyspace);
    let committedMessages = 0;
    for (const p of await offsets(admin, n.groupId, n.topic)) {
      const upTo = Math.max(0, p.committed);
      committedMessages += upTo;
      const missing = (ids.get(p.partition) ?? []).slice(0, upTo).filter((id) => !rows.has(id));
      expect(missing, `partition ${p.partition} committed ${upTo} with rows missing`).toEqual([]);
    }
    return committedMessages;
  }

  it('a graceful stop and a hard crash mid-run still end with exactly N rows and offsets at the end', async () => {
    const N = 600;
    const users = makeProcessedUsers(N, { seed: 777 });
    await produceUsers(kafka, admin, n, users);
    const ids = await offsetsToIds(N);

    // 1. Graceful stop after two acknowledged rounds: the round in flight finishes and commits.
    let writes = 0;
    let ready!: (app: WriterApp) => void;
    const appReady = new Promise<WriterApp>((resolve) => (ready = resolve));
    let stopped: Promise<boolean> | undefined;
    const first = await startWriterApp(writerConfig(n, small), log, {
      wrapStore: (store) => ({
        async write(batch, storedAt) {
          const outcome = await store.write(batch, storedAt);
          if (++writes === 2) stopped = appReady.then((app) => app.stop()).then(() => true);
          return outcome;
        },
      }),
    });
    ready(first);
    await waitFor(() => stopped !== undefined, { timeoutMs: 60_000, what: 'two rounds written' });
    await stopped;
    await first.done;
    const rowsAfterStop = await countRows(cassandra, n.keyspace);
    const committedAfterStop = await expectCommittedPrefixStored(ids);
    expect(rowsAfterStop).toBeGreaterThanOrEqual(40);
    expect(rowsAfterStop).toBeLessThan(N);
    expect(committedAfterStop).toBe(rowsAfterStop); // the stop committed exactly what it wrote

    // 2. Hard crash: a child process SIGKILLs itself right after a write, before that round's commit.
    // node --import tsx: one process, so the SIGKILL is the writer's own exit signal.
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'crash-writer.ts'), '3'], {
      cwd: root,
      env: { ...process.env, ...writerEnv(n, small) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const crash = JSON.parse(stdout.trim().split('\n').pop()!) as { crashedAfterWrites: number; lastRoundUsers: string[] };
    expect(crash.crashedAfterWrites).toBe(3);
    const rowsAfterCrash = await countRows(cassandra, n.keyspace);
    const committedAfterCrash = await expectCommittedPrefixStored(ids);
    // The crashed round is in Cassandra but its offsets are not committed: it will be replayed.
    expect(rowsAfterCrash).toBe(rowsAfterStop + 3 * 20);
    expect(committedAfterCrash).toBe(rowsAfterCrash - 20);
    const rows = await readRows(cassandra, n.keyspace);
    expect(crash.lastRoundUsers.every((id) => rows.has(id))).toBe(true);

    // 3. Restart: replays the uncommitted round (idempotent upserts) and catches up.
    const last = await startWriterApp(writerConfig(n), log);
    try {
      await waitFor(async () => (await offsets(admin, n.groupId, n.topic)).every((p) => p.committed === p.end), {
        timeoutMs: 90_000,
        intervalMs: 200,
        what: 'offsets at the end after the restart',
      });
    } finally {
      await last.stop();
    }
    expect(await countRows(cassandra, n.keyspace)).toBe(N);
    const final = await readRows(cassandra, n.keyspace);
    for (const user of users) {
      const { stored_at: _storedAt, ...got } = final.get(user.id)!;
      expect(got).toEqual(user);
    }
    const end = await offsets(admin, n.groupId, n.topic);
    expect(end.map((p) => p.committed)).toEqual(end.map((p) => p.end));
    expect(end.reduce((sum, p) => sum + p.end, 0)).toBe(N);
    await expectCommittedPrefixStored(ids);
  });
});
