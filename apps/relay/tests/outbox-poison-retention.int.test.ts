import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runAppToEnd, startApp, stopApp } from '@streamline/app-runner';
import { createKafka, type PgPool } from '@streamline/clients';
import { pruneOutbox, stageUsers } from '@streamline/staging';
import { scrapeMetric, testConnections, uniqueName, waitFor } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';

import { apiUsers, createStagingDatabase, topicMessages as topicMessagesIn } from './support.js';

const config = testConnections();
const logDir = join(repoRoot, '.stack', 'logs', 'it', uniqueName('relay-poison'));

const users = (n: number, runId: string) => apiUsers(n, runId, 'poison');

describe('relay: poison outbox rows and outbox retention (real PostgreSQL, Kafka, registry)', () => {
  const database = uniqueName('it_relay_poison');
  let staging: Awaited<ReturnType<typeof createStagingDatabase>>;
  let pool: PgPool;
  const kafka = createKafka(config.kafka);
  const topicMessages = (topic: string) => topicMessagesIn(kafka, topic);
  const env = (topic: string, extra: Record<string, string> = {}) => ({ PG_DATABASE: database, TOPIC_USERS_CREATED: topic, LOG_LEVEL: 'info', ...extra });
  const count = async (sql: string): Promise<number> => Number((await pool.query(sql)).rows[0].n);

  beforeAll(async () => {
    staging = await createStagingDatabase(config.pg, database);
    pool = staging.pool;
  });

  afterAll(async () => {
    await staging.drop();
  });

  it('sets aside a payload the schema cannot encode and an unroutable row, with reasons, and publishes every row around them', async () => {
    const topic = uniqueName('it_relay_poison_topic');
    await stageUsers(pool, users(100, 'before'));
    // Written by another service: a number where the schema has a string, and a domain no route names.
    const badId = randomUUID();
    const { rows } = await pool.query<{ seq: string }>(
      `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
       SELECT $1, 'user', (payload->>'id'), 'UserCreated', jsonb_set(payload, '{email}', '42') FROM outbox ORDER BY seq LIMIT 1
       RETURNING seq`,
      [badId],
    );
    const badSeq = rows[0]!.seq;
    const orderSeq = (await pool.query<{ seq: string }>(`INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES ($1, 'order', 'o-1', 'OrderPlaced', '{}') RETURNING seq`, [randomUUID()])).rows[0]!.seq;
    await stageUsers(pool, users(100, 'after'));

    await provisionForTest(config, { created: topic });
    const relay = await startApp('relay', { logDir, args: ['--once'], env: env(topic) });
    expect(await relay.exited).toBe(0);

    // Every good row published (those staged after the bad ones too), the two bad ones set aside.
    expect(await topicMessages(topic)).toBe(200);
    expect(await count('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).toBe(0);
    const dead = (await pool.query<{ seq: string; reason: string }>('SELECT seq, reason FROM outbox_dead_letters ORDER BY seq')).rows;
    expect(dead.map((d) => d.seq)).toEqual([badSeq, orderSeq]);
    expect(dead[0]!.reason).toMatch(new RegExp(`^outbox row seq ${badSeq} \\(id ${badId}\\) payload does not fit ${topic}-value \\(schema id \\d+\\): email: 42 is not string$`));
    expect(dead[1]!.reason).toBe(`outbox row seq ${orderSeq} has aggregatetype "order", which RELAY_ROUTES does not route (routed: user)`);
    // Said in the log, once each, naming the row.
    const setAsideLines = readFileSync(relay.logFile, 'utf8').split('\n').filter((l) => l.includes('outbox row set aside'));
    expect(setAsideLines.map((l) => (JSON.parse(l) as { seq: string }).seq).sort()).toEqual([badSeq, orderSeq].sort());

    // `relay --lag` shows them.
    const lag = runAppToEnd('relay', ['--lag'], { env: env(topic, { LOG_LEVEL: 'warn' }) });
    expect(lag.status, lag.stderr).toBe(0);
    expect(JSON.parse(lag.stdout)).toMatchObject({ unpublished: 0, deadLetters: 2, lastDeadLetter: { seq: expect.stringMatching(new RegExp(`^(${badSeq}|${orderSeq})$`)) } });

    // Mended (a route for the domain, the payload corrected), requeued: they flow like any row.
    await pool.query(`UPDATE outbox_dead_letters SET payload = jsonb_set(payload, '{email}', '"fixed@example.com"') WHERE seq = $1`, [badSeq]);
    const requeue = runAppToEnd('relay', ['--requeue-dead-letters'], { env: env(topic, { LOG_LEVEL: 'warn' }) });
    expect(JSON.parse(requeue.stdout)).toEqual({ requeued: 2 });
    const orders = uniqueName('it_relay_orders');
    await provisionForTest(config, { created: orders });
    const again = await startApp('relay', { logDir, args: ['--once'], env: env(topic, { RELAY_ROUTES: `user=${topic},order=${orders}` }) });
    expect(await again.exited).toBe(0);
    expect(await count('SELECT count(*) AS n FROM outbox_dead_letters')).toBe(1); // '{}' is no user: set aside again
    expect(await topicMessages(topic)).toBe(201);
  });

  it('removes published rows past their retention in small batches, never unpublished ones, while users_raw keeps the history', async () => {
    const topic = uniqueName('it_relay_retention');
    await pool.query('DELETE FROM outbox');
    const runs = 3;
    const perRun = 400;
    await provisionForTest(config, { created: topic });
    const relay = await startApp('relay', {
      logDir,
      env: env(topic, { RELAY_OUTBOX_RETENTION_MS: '0', RELAY_OUTBOX_PRUNE_INTERVAL_MS: '200', RELAY_OUTBOX_PRUNE_BATCH: '50', RELAY_BATCH_SIZE: '100' }),
    });
    try {
      for (let run = 0; run < runs; run++) {
        await stageUsers(pool, users(perRun, `retention-${run}`));
        // Staging stays bounded: each run's outbox rows go once published; users_raw grows by the run.
        await waitFor(async () => (await count('SELECT count(*) AS n FROM outbox')) === 0, { timeoutMs: 60_000, what: `run ${run}'s outbox rows published and removed` });
        expect(await count(`SELECT count(*) AS n FROM users_raw WHERE ingest_run_id LIKE 'retention-%'`)).toBe(perRun * (run + 1));
      }
      expect(await topicMessages(topic)).toBe(runs * perRun);
      const pruned = await scrapeMetric(relay.endpoint, 'streamline_outbox_pruned_records_total');
      expect(pruned).toBe(runs * perRun);
    } finally {
      await stopApp(relay);
    }
    // An unpublished row is never removed, however old.
    await pool.query(`INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at) VALUES ($1, 'user', 'x', 'UserCreated', '{}', now() - interval '30 days')`, [randomUUID()]);
    expect(await pruneOutbox(pool, 0, 50)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).toBe(1);
  });
});
