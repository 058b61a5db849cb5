import { join } from 'node:path';
import type { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin, connectConsumer, createCassandraClient, createKafka } from '@streamline/clients';
import { lastJsonLine, repoRoot, runAppToEnd } from '@streamline/app-runner';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import type { FindResult } from '../src/find-user.js';
import { storedRows } from './support/pipeline-probes.js';
import { startIsolatedPipeline, type IsolatedPipeline } from './support/isolated-pipeline.js';

const config = testConnections();

type Times = { staged: number; published: number; processed: number; stored: number };

/** Why these four readings are not in pipeline order (one line), or null when they are. */
function outOfOrder(id: string, t: Times): string | null {
  if (!(t.published > 0)) return `${id}: no published time`;
  if (!(t.staged <= t.published && t.published <= t.processed && t.processed <= t.stored)) {
    return `${id}: staged ${t.staged}, published +${t.published - t.staged}, processed +${t.processed - t.staged}, stored +${t.stored - t.staged} ms`;
  }
  return null;
}

/**
 * Item 5 of issue 21, on a real pipeline (relay, Spark job, writer and the monitor, each its own
 * process, on this test's own database, topics, keyspace and checkpoint): "published" is when the
 * record reached Kafka, the broker's append time, so for every user of the run
 * staged <= published <= processed <= stored, in the stored row and in find-a-user alike.
 */
describe('hop times add up (real pipeline)', () => {
  const id = uniqueName('hops');
  const logDir = join(repoRoot, '.stack', 'logs', 'hop-times-it', id);
  const n = 300;
  let pipeline: IsolatedPipeline;
  let env: Record<string, string> = {};
  const cassandra = createCassandraClient(config.cassandra);
  const kafka = createKafka(config.kafka);
  /** Each user's users_created record timestamp as a consumer reads it (epoch ms), by key. */
  const kafkaTime = new Map<string, number>();

  beforeAll(async () => {
    // One search per user of the run, within a minute.
    pipeline = await startIsolatedPipeline(config, id, { logDir, ready: ['relay'], env: { MONITOR_FIND_PER_MINUTE: String(10 * n) } });
    env = pipeline.env;

    const ingested = lastJsonLine<{ staged: number }>(
      runAppToEnd('ingestor', ['--source', 'generator', '--seed', id, '--count', String(n), '--json'], { env: { ...env, LOG_LEVEL: 'warn' } }),
      'the ingestor',
    );
    expect(ingested.staged).toBe(n);
    await waitFor(async () => (await storedRows(cassandra, id)) >= n, { timeoutMs: 360_000, intervalMs: 1000, what: `${n} users in Cassandra` });

    // The created topic read back from its start: what the Spark job read, with the timestamps it saw.
    const consumer = await connectConsumer(kafka, { groupId: `${id}-probe` });
    try {
      await consumer.subscribe({ topic: env.TOPIC_USERS_CREATED!, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void kafkaTime.set(message.key!.toString(), Number(message.timestamp)) });
      await waitFor(async () => kafkaTime.size >= n, { timeoutMs: 60_000, what: `${n} users_created records read back` });
    } finally {
      await consumer.disconnect();
    }
  });

  afterAll(async () => {
    await pipeline?.stop();
    await cassandra.shutdown();
  });

  it('the created topic stamps records with the broker clock (LogAppendTime)', async () => {
    const admin = await connectAdmin(kafka);
    try {
      const type = 2 as ConfigResourceTypes; // TOPIC (the enum is not an ESM export of kafkajs)
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type, name: env.TOPIC_USERS_CREATED!, configNames: ['message.timestamp.type'] }] });
      expect(resources[0]!.configEntries.find((e) => e.configName === 'message.timestamp.type')?.configValue).toBe('LogAppendTime');
    } finally {
      await admin.disconnect();
    }
  });

  it("every stored row carries its record's Kafka timestamp as published_at, and staged <= published <= processed <= stored", async () => {
    const rows = (await cassandra.execute(`SELECT id, staged_at, published_at, processed_at, stored_at FROM ${id}.created_users`, [], { fetchSize: 10_000 })).rows;
    expect(rows).toHaveLength(n);
    const ms = (v: unknown) => (v as Date | null)?.getTime() ?? 0;
    const problems: string[] = [];
    for (const r of rows) {
      const user = String(r.get('id'));
      const t = { staged: ms(r.get('staged_at')), published: ms(r.get('published_at')), processed: ms(r.get('processed_at')), stored: ms(r.get('stored_at')) };
      if (t.published !== kafkaTime.get(user)) problems.push(`${user}: published_at ${t.published}, its Kafka record's timestamp ${kafkaTime.get(user)}`);
      const order = outOfOrder(user, t);
      if (order) problems.push(order);
    }
    expect(problems).toEqual([]);
  });

  it('find-a-user shows every user of the run with the four times in order, published the broker time', async () => {
    const monitor = pipeline.endpoint('monitor');
    const problems: string[] = [];
    for (const user of kafkaTime.keys()) {
      const res = await fetch(`${monitor}/api/find?q=${user}`);
      expect(res.status).toBe(200);
      const { matches } = (await res.json()) as FindResult;
      const trace = matches[0]!;
      expect(trace.where).toBe('stored');
      const at = (iso: string | null) => (iso === null ? 0 : Date.parse(iso));
      const t = { staged: at(trace.times.staged), published: at(trace.times.published), processed: at(trace.times.processed), stored: at(trace.times.stored) };
      if (t.published !== kafkaTime.get(user)) problems.push(`${user}: find-a-user says published ${trace.times.published}, its Kafka record ${kafkaTime.get(user)}`);
      const order = outOfOrder(user, t);
      if (order) problems.push(order);
    }
    expect(kafkaTime.size).toBe(n);
    expect(problems).toEqual([]);
  });
});
