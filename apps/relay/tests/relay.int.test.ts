import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runAppToEnd, startApp, stopApp, type AppProcess } from '@streamline/app-runner';
import { Compatibility, connectAdmin, connectConsumer, createAvroSerde, createKafka, createRegistryClient, registerAvroSchema, type PgPool, registryHeaders } from '@streamline/clients';
import { ensureTopics, PROVISIONED_BY } from '@streamline/provisioning';
import { stageUsers } from '@streamline/staging';
import type { UserCreated } from '@streamline/user-schema';
import { fetchHealth, itForStack, localStack, scrapeMetric, testConnections, uniqueName, waitFor } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';
import { withEmptyDatabase } from '@streamline/staging/testing';

import { apiUsers, createStagingDatabase, topicMessages as topicMessagesIn } from './support.js';

const config = testConnections();
const logDir = join(repoRoot, '.stack', 'logs', 'it', uniqueName('relay'));

const users = (n: number) => apiUsers(n, 'relay-it');

const startRelay = (env: Record<string, string>, args: string[] = []): Promise<AppProcess> => startApp('relay', { logDir, args, env: { LOG_LEVEL: 'info', ...env } });
const exited = (relay: AppProcess) => relay.exited;

describe('relay (real PostgreSQL, Kafka, registry)', () => {
  const database = uniqueName('it_relay');
  let staging: Awaited<ReturnType<typeof createStagingDatabase>>;
  let pool: PgPool;
  const kafka = createKafka(config.kafka);
  const topicMessages = (topic: string) => topicMessagesIn(kafka, topic);

  beforeAll(async () => {
    staging = await createStagingDatabase(config.pg, database);
    pool = staging.pool;
  });

  afterAll(async () => {
    await staging.drop();
  });

  async function unpublished(): Promise<number> {
    return Number((await pool.query('SELECT count(*) FROM outbox WHERE published_at IS NULL')).rows[0].count);
  }

  it('publishes every staged user once, in Avro keyed by id, and marks the rows published', async () => {
    const topic = uniqueName('it_relay_topic');
    const batch = users(300);
    expect(await stageUsers(pool, batch)).toEqual({ staged: 300, duplicates: 0 });

    await provisionForTest(config, { created: topic });
    const relay = await startRelay({ PG_DATABASE: database, TOPIC_USERS_CREATED: topic }, ['--once']);
    expect(await exited(relay)).toBe(0);
    expect(await unpublished()).toBe(0);
    expect(await topicMessages(topic)).toBe(300);

    // Decode what landed: the same users, keyed by id, with staged_at from the commit.
    const serde = createAvroSerde<UserCreated>(createRegistryClient(config.registry), topic);
    const seen = new Map<string, UserCreated>();
    const consumer = await connectConsumer(kafka, { groupId: uniqueName('it_relay_check') });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const user = await serde.deserialize(message.value!);
        expect(message.key!.toString()).toBe(user.id);
        seen.set(user.id, user);
      },
    });
    await waitFor(() => seen.size >= 300, { timeoutMs: 60_000, what: '300 users consumed' });
    await consumer.disconnect();
    const first = batch[0]!.record;
    const got = seen.get(first.id)!;
    expect(got).toMatchObject({ ...first });
    expect(got.staged_at).toBeGreaterThan(Date.now() - 10 * 60_000);
  });

  it('loses nothing when killed mid-run, and two relays at once never publish a row twice', async () => {
    const topic = uniqueName('it_relay_kill');
    await stageUsers(pool, users(3000));
    const env = { PG_DATABASE: database, TOPIC_USERS_CREATED: topic, RELAY_BATCH_SIZE: '100' };
    await provisionForTest(config, { created: topic });

    const victim = await startRelay(env);
    await waitFor(async () => (await unpublished()) < 3000 && (await unpublished()) > 0, { timeoutMs: 60_000, what: 'first batches published' });
    victim.child.kill('SIGKILL');
    await exited(victim);
    const left = await unpublished();
    expect(left).toBeGreaterThan(0);

    const a = await startRelay(env, ['--once']);
    const b = await startRelay(env, ['--once']);
    expect(await exited(a)).toBe(0);
    expect(await exited(b)).toBe(0);
    expect(await unpublished()).toBe(0);

    // At-least-once: a batch the killed relay sent but did not mark may come again; nothing is missing.
    const total = await topicMessages(topic);
    expect(total).toBeGreaterThanOrEqual(3000);
    expect(total).toBeLessThanOrEqual(3000 + 100);
  });

  it('creates and registers nothing: without its topic, or with a subject not holding its schema, it stops in one line', async () => {
    const topic = uniqueName('it_relay_unprovisioned');
    const subject = `${topic}-value`;
    const relayOnce = () => {
      const run = runAppToEnd('relay', ['--once'], { env: { PG_DATABASE: database, TOPIC_USERS_CREATED: topic, LOG_LEVEL: 'fatal', RELAY_HTTP_PORT: '0' } });
      expect(run.status).not.toBe(0);
      const lines = run.stderr.trim().split('\n').filter((l) => l.startsWith('relay:'));
      expect(lines).toHaveLength(1);
      return lines[0];
    };
    expect(relayOnce()).toBe(`relay: topic ${topic} missing: ${PROVISIONED_BY}`);
    const admin = await connectAdmin(kafka);
    try {
      expect(await admin.listTopics()).not.toContain(topic);
      await ensureTopics(admin, [{ topic }]);
    } finally {
      await admin.disconnect();
    }
    // An unrelated version under the subject: the relay's schema is not among its versions.
    const registry = createRegistryClient(config.registry);
    await registerAvroSchema(registry, subject, { type: 'record', name: 'UserCreated', namespace: 'io.streamline', fields: [{ name: 'id', type: 'string' }] }, Compatibility.BACKWARD);
    try {
      expect(relayOnce()).toBe(`relay: schema registry subject ${subject} does not hold this app's schema: ${PROVISIONED_BY}`);
      expect(await registry.getAllVersions(subject)).toHaveLength(1);
    } finally {
      await fetch(`${config.registry.url}/subjects/${subject}`, { method: 'DELETE', headers: registryHeaders(config.registry) }).catch(() => undefined);
    }
  });

  it('--lag is read-only: on a database without staging it fails in one line and creates nothing', async () => {
    await withEmptyDatabase(config.pg, async (empty) => {
      const run = runAppToEnd('relay', ['--lag'], { env: { PG_DATABASE: empty.name, LOG_LEVEL: 'warn' } });
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n').filter((l) => l.startsWith('relay:'))).toEqual([
        `relay: database ${empty.name} has no staging tables yet: start the stack and the pipeline first (npm start), or the ingestor or relay, which create them`,
      ]);
      expect(await empty.tableCount()).toBe(0);
    });
    // Where staging exists it answers, as JSON on stdout.
    const lag = runAppToEnd('relay', ['--lag'], { env: { PG_DATABASE: database, LOG_LEVEL: 'warn' } });
    expect(lag.status, lag.stderr).toBe(0);
    expect(JSON.parse(lag.stdout)).toMatchObject({ unpublished: expect.any(Number) });
  });

  // Stops the stack's PostgreSQL: only where this run owns it (the local stack).
  itForStack(['local'], 'rides out a PostgreSQL restart mid-run: reports it once, recovers by itself, publishes every user', "it stops and starts the local stack's PostgreSQL", {}, async () => {
    const topic = uniqueName('it_relay_pg');
    const staged = users(20_000);
    await stageUsers(pool, staged);
    await provisionForTest(config, { created: topic });
    const relay = await startRelay({ PG_DATABASE: database, TOPIC_USERS_CREATED: topic, RELAY_BATCH_SIZE: '50', RELAY_RETRY_MAX_DELAY_MS: '2000' });
    try {
      const url = relay.endpoint;
      await waitFor(async () => (await unpublished()) < 20_000, { timeoutMs: 60_000, what: 'first batches published' });
      localStack('down', ['postgres']);
      await waitFor(async () => (await fetchHealth(url)).status === 503, { timeoutMs: 30_000, what: 'the relay reporting PostgreSQL down on /healthz' });
      expect((await fetchHealth(url)).body.dependencies).toMatchObject({ postgres: { up: false } });
      localStack('up', ['postgres']);
      await pool.query('SELECT 1').catch(() => undefined); // the test's own pool reconnects too
      await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 120_000, intervalMs: 500, what: 'the outbox drained after the restart' });
      expect(relay.child.exitCode).toBeNull(); // it never exited
      await waitFor(async () => (await fetchHealth(url)).status === 200, { timeoutMs: 30_000, what: 'the relay ready again' });
      expect(await scrapeMetric(url, 'streamline_records_out_total', { stage: 'relay', outcome: 'ok' })).toBeGreaterThanOrEqual(20_000);
    } finally {
      await stopApp(relay);
      // Whatever stopped with PostgreSQL (the registry, Airflow) comes back for the tests after this one.
      localStack('up');
    }
    expect(await exited(relay)).toBe(0);

    // Exactly the staged set in the topic: every user at least once, none that was not staged.
    const ids = new Set<string>();
    const consumer = await connectConsumer(kafka, { groupId: uniqueName('it_relay_pg_check') });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void ids.add(message.key!.toString()) });
    await waitFor(() => ids.size >= 20_000, { timeoutMs: 120_000, what: '20000 distinct users consumed' });
    await consumer.disconnect();
    expect([...ids].sort()).toEqual(staged.map((u) => u.record.id).sort());
    const log = readFileSync(relay.logFile, 'utf8');
    expect(log).toContain('dependency unavailable, retrying with backoff');
    expect(log).toContain('dependency back, resuming');
  });
});
