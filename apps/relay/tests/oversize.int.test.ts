import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startApp } from '@streamline/app-runner';
import { connectAdmin, createKafka, type PgPool } from '@streamline/clients';
import { stageUsers } from '@streamline/staging';
import { testConnections, uniqueName } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';

import { apiUsers, createStagingDatabase, topicMessages as topicMessagesIn } from './support.js';

const config = testConnections();
const logDir = join(repoRoot, '.stack', 'logs', 'it', uniqueName('relay-oversize'));

/**
 * Outbox rows too large for Kafka, as another writer of the outbox (or data staged before the size
 * policy) could leave them: the ingestor refuses such users now, the relay must still never
 * crash-loop or stall on one.
 */
describe('relay: rows too large for the broker, and batches whose sum is (real PostgreSQL, Kafka, registry)', () => {
  const database = uniqueName('it_relay_oversize');
  let staging: Awaited<ReturnType<typeof createStagingDatabase>>;
  let pool: PgPool;
  let admin: Admin;
  const kafka = createKafka(config.kafka);
  const topics: string[] = [];
  const env = (topic: string) => ({ PG_DATABASE: database, TOPIC_USERS_CREATED: topic, LOG_LEVEL: 'warn' });

  /** Copies of the first outbox row with first_name set to `chars` characters: their seqs. */
  const insertWide = async (count: number, chars: number): Promise<string[]> => {
    const { rows } = await pool.query<{ seq: string }>(
      `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
       SELECT gen_random_uuid(), 'user', u.id, 'UserCreated', jsonb_set(jsonb_set(o.payload, '{first_name}', to_jsonb(repeat('w', $2))), '{id}', to_jsonb(u.id))
       FROM (SELECT payload FROM outbox ORDER BY seq LIMIT 1) o, (SELECT gen_random_uuid()::text AS id FROM generate_series(1, $1)) u
       RETURNING seq`,
      [count, chars],
    );
    return rows.map((r) => r.seq);
  };
  const deadLetters = async () => (await pool.query<{ seq: string; reason: string }>('SELECT seq, reason FROM outbox_dead_letters ORDER BY seq')).rows;

  beforeAll(async () => {
    staging = await createStagingDatabase(config.pg, database);
    pool = staging.pool;
    admin = await connectAdmin(kafka);
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await staging.drop();
  });

  it('sets aside a user of a few megabytes with its size and the limit, and publishes every user before and after it, and a batch summing to several MB', async () => {
    const topic = uniqueName('it_relay_big');
    topics.push(topic);
    await stageUsers(pool, apiUsers(7, 'before', 'big'));
    const [bigSeq] = await insertWide(1, 3_000_000);
    await stageUsers(pool, apiUsers(290, 'after', 'big'));
    // 120 users of 25 KB each: about 3 MB claimed in one batch, over the broker's 1 MiB limit in sum.
    await insertWide(120, 25_000);

    await provisionForTest(config, { created: topic });
    const relay = await startApp('relay', { logDir, args: ['--once'], env: env(topic) });
    expect(await relay.exited).toBe(0);

    expect(await topicMessagesIn(kafka, topic)).toBe(7 + 290 + 120);
    expect(Number((await pool.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0].n)).toBe(0);
    const dead = await deadLetters();
    expect(dead.map((d) => d.seq)).toEqual([bigSeq]);
    expect(dead[0]!.reason).toMatch(new RegExp(`^outbox row seq ${bigSeq} \\(id [0-9a-f-]{36}\\) is \\d{7} bytes as a produce request, over the limit of 10\\d{5}: too large for ${topic}$`));
  });

  it("reads the topic's own max.message.bytes: with 100 KB, a 150 KB user is set aside and 60 KB users go one request each", async () => {
    const topic = uniqueName('it_relay_small_limit');
    topics.push(topic);
    await pool.query('DELETE FROM outbox_dead_letters');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '100000' }] }] });
    await stageUsers(pool, apiUsers(5, 'small-before', 'small'));
    const wide = await insertWide(10, 60_000);
    const [tooBig] = await insertWide(1, 150_000);
    await stageUsers(pool, apiUsers(5, 'small-after', 'small'));

    await provisionForTest(config, { created: topic });
    const relay = await startApp('relay', { logDir, args: ['--once'], env: env(topic) });
    expect(await relay.exited).toBe(0);

    expect(wide).toHaveLength(10);
    expect(await topicMessagesIn(kafka, topic)).toBe(5 + 10 + 5);
    const dead = await deadLetters();
    expect(dead.map((d) => d.seq)).toEqual([tooBig]);
    expect(dead[0]!.reason).toMatch(/ is 15\d{4} bytes as a produce request, over the limit of 100000: too large for /);
  });
});
