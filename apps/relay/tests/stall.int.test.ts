import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startApp, stopApp } from '@streamline/app-runner';
import { connectAdmin, createKafka, type PgPool } from '@streamline/clients';
import { ensureTopics } from '@streamline/provisioning';
import { stageUsers } from '@streamline/staging';
import { fetchHealth, scrapeMetric, testConnections, uniqueName, waitFor, waitForStall } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';

import { apiUsers, createStagingDatabase, topicMessages } from './support.js';

const config = testConnections();
const logDir = join(repoRoot, '.stack', 'logs', 'it', uniqueName('relay-stall'));

/**
 * A publish that keeps failing on the same outbox rows, whatever the rows: the topic is deleted
 * under the running relay (the broker creates none by itself), so every produce is refused
 * (UNKNOWN_TOPIC_OR_PARTITION). The relay must say so rather than retry in silence.
 */
describe('relay: a publish that keeps failing is a stall, counted and shown in /healthz (real PostgreSQL, Kafka, registry)', () => {
  const database = uniqueName('it_relay_stall');
  const topic = uniqueName('it_relay_stall_topic');
  const kafka = createKafka(config.kafka);
  let staging: Awaited<ReturnType<typeof createStagingDatabase>>;
  let pool: PgPool;
  let admin: Admin;

  beforeAll(async () => {
    staging = await createStagingDatabase(config.pg, database);
    pool = staging.pool;
    admin = await connectAdmin(kafka);
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await staging.drop();
  });

  const unpublished = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0]!.n);

  it('counts each failed publish in streamline_errors_total, turns /healthz degraded naming the outbox row, and once mended publishes every row and is ready', async () => {
    await provisionForTest(config, { created: topic });
    const relay = await startApp('relay', {
      logDir,
      env: { PG_DATABASE: database, TOPIC_USERS_CREATED: topic, RELAY_STALL_AFTER_ATTEMPTS: '2', LOG_LEVEL: 'info' },
    });
    try {
      await stageUsers(pool, apiUsers(100, 'stall-before', 'before'));
      await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 60_000, what: 'the first 100 published' });
      expect((await fetchHealth(relay.endpoint)).body.status).toBe('ready');

      await admin.deleteTopics({ topics: [topic] });
      await stageUsers(pool, apiUsers(200, 'stall-during', 'during'));
      const { rows: firstHeld } = await pool.query<{ seq: string }>('SELECT min(seq)::text AS seq FROM outbox WHERE published_at IS NULL');

      const health = await waitForStall(relay.endpoint, 'outbox');
      expect(health.status).toBe(503);
      const stalls = health.body.stalls as Record<string, { at: string; attempts: number; reason: string }>;
      // Held at the first row not published: the same rows each time, nothing skipped, nothing lost.
      expect(stalls.outbox).toMatchObject({ at: `seq ${firstHeld[0]!.seq}` });
      expect(stalls.outbox!.attempts).toBeGreaterThanOrEqual(2);
      expect(stalls.outbox!.reason).toMatch(/^producing \d+ outbox rows failed: [^\n]{5,300}$/);
      expect(await unpublished()).toBe(200);
      expect(await scrapeMetric(relay.endpoint, 'streamline_errors_total', { stage: 'relay', kind: 'retry' })).toBeGreaterThanOrEqual(2);
      // The same for the dashboard's error panel.
      expect(await scrapeMetric(relay.endpoint, 'streamline_stalled_items')).toBe(1);

      // Mended: the same rows go through, the relay is ready again and every row is on the topic once.
      await waitFor(async () => !(await admin.listTopics()).includes(topic), { timeoutMs: 60_000, what: 'the topic gone' });
      await ensureTopics(admin, [{ topic }]);
      await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 120_000, intervalMs: 500, what: 'the held rows published' });
      await waitFor(async () => (await fetchHealth(relay.endpoint)).body.status === 'ready', { timeoutMs: 30_000, what: '/healthz ready again' });
      expect(await scrapeMetric(relay.endpoint, 'streamline_stalled_items')).toBe(0);
    } finally {
      await stopApp(relay);
    }
    // The new topic holds the 200 held rows, each once.
    expect(await topicMessages(kafka, topic)).toBe(200);
  }, 360_000);
});
