import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin, connectProducer, createAvroSerde, createCassandraClient, createKafka, createPgPool, createRegistryClient, type PgPool } from '@streamline/clients';
import { lastJsonLine, repoRoot, runAppToEnd } from '@streamline/app-runner';
import { parsePrometheusText, sumSamples } from '@streamline/runtime';
import { readJobPosition } from '@streamline/spark-job-contract';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import { mapApiUser, type UserCreated } from '@streamline/user-schema';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';
import { storedRows, topicMessages } from './support/pipeline-probes.js';
import { ensureSystemChromium } from './support/system-chromium.js';
import { startIsolatedPipeline, type IsolatedPipeline } from './support/isolated-pipeline.js';

const config = testConnections();

/**
 * The monitor in a real browser (Debian's chromium, headless, driven by playwright-core) over a
 * small real pipeline: relay, Spark job, writer and the monitor, each its own process, on this
 * test's own database, topics, keyspace, group and checkpoint. A few hundred generated users
 * plus two poison messages; then what the page shows is compared with what the servers hold.
 */
describe('monitor (real browser, real pipeline)', () => {
  const id = uniqueName('monitor');
  const outDir = join(repoRoot, '.stack', 'logs', 'monitor-it', id);
  const n = 300;
  let pipeline: IsolatedPipeline;
  let env: Record<string, string> = {};
  let pool: PgPool;
  const cassandra = createCassandraClient(config.cassandra);
  const kafka = createKafka(config.kafka);
  let browser: Browser;
  let page: Page;
  let monitorUrl = '';
  /** Two dead letters: bytes that are no Avro (keyed by a user id), and a record Spark refuses (no first name). */
  const garbageId = randomUUID();
  const refused = { id: randomUUID(), email: `refused.${Date.now()}@example.com` };
  const watch = { startedAt: 0, cpuAtStart: 0 };
  /** The page runs as a person beyond loopback would use it: with the token (Basic auth) and under the CSP. */
  const token = `browser-${randomUUID()}`;
  const cspViolations: string[] = [];
  let pageHeaders: Record<string, string> = {};

  const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
  const storedInCassandra = () => storedRows(cassandra, id);
  const messages = (topic: string) => topicMessages(kafka, topic);
  const monitorMetrics = async () => parsePrometheusText(await (await fetch(`${monitorUrl}/metrics`)).text());
  /** A number the page shows: the data-value of the element (the raw count, not its formatting). */
  const shown = async (selector: string) => {
    const value = await page.locator(selector).first().getAttribute('data-value', { timeout: 10_000 });
    return value === null || value === '' ? null : Number(value);
  };
  const stageCount = (stage: string) => shown(`[data-stage="${stage}"] .count`);

  beforeAll(async () => {
    const executablePath = await ensureSystemChromium();
    mkdirSync(outDir, { recursive: true });
    pipeline = await startIsolatedPipeline(config, id, {
      logDir: outDir,
      ready: ['monitor', 'relay'],
      env: {
        MONITOR_AUTH: 'on',
        MONITOR_AUTH_TOKEN: token,
        MONITOR_SAMPLE_INTERVAL_MS: '1000',
        MONITOR_SLOW_INTERVAL_MS: '3000',
        // Real-time Mode checkpoints its position at each batch end: short batches, so that the job's
        // row in the lag table catches up within this test (5 minutes by default).
        SPARK_JOB_REALTIME_BATCH_DURATION: '10 seconds',
      },
    });
    env = pipeline.env;
    pool = createPgPool({ ...config.pg, database: id }, { max: 2 });
    monitorUrl = pipeline.endpoint('monitor');

    // The users, then the poison: the relay has created the topic and registered the schema.
    const ingested = lastJsonLine<{ staged: number; fetched: number }>(
      runAppToEnd('ingestor', ['--source', 'generator', '--seed', id, '--count', String(n), '--json'], { env: { ...env, LOG_LEVEL: 'warn' } }),
      'the ingestor',
    );
    expect(ingested).toMatchObject({ fetched: n, staged: n });
    const created = env.TOPIC_USERS_CREATED!;
    const serde = createAvroSerde<UserCreated>(createRegistryClient(config.registry), created);
    const record: UserCreated = {
      ...mapApiUser({ ...apiUserNumericPostcode, email: refused.email, login: { ...apiUserNumericPostcode.login, uuid: refused.id } }, { source: 'generator', ingestRunId: id }),
      first_name: '',
      staged_at: Date.now(),
    };
    const producer = await connectProducer(kafka);
    try {
      await producer.send({
        topic: created,
        acks: -1,
        messages: [
          { key: garbageId, value: Buffer.from('not avro: no magic byte') },
          { key: refused.id, value: await serde.serialize(record) },
        ],
      });
    } finally {
      await producer.disconnect();
    }

    // The pipeline settles: every user stored, both poison messages dead-lettered.
    await waitFor(async () => (await storedInCassandra()) >= n && (await messages(env.TOPIC_USERS_DLQ!)) >= 2, {
      timeoutMs: 360_000,
      intervalMs: 1000,
      what: `${n} users in Cassandra and 2 dead letters`,
    });

    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 }, httpCredentials: { username: 'monitor', password: token } });
    // Chromium reports each CSP violation on the console ("Refused to ... Content Security Policy").
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    watch.startedAt = Date.now();
    watch.cpuAtStart = sumSamples(await monitorMetrics(), 'process_cpu_seconds_total');
    pageHeaders = (await page.goto(monitorUrl))!.headers();
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await pool?.end();
    await pipeline?.stop();
    await cassandra.shutdown();
  });

  it('shows the five stage counts that staging, the Kafka offsets and Cassandra hold', { timeout: 240_000 }, async () => {
    const truth = {
      fetched: (await count('SELECT count(*) AS n FROM users_raw')) + (await count('SELECT count(*) AS n FROM users_refetched')),
      staged: await count('SELECT count(*) AS n FROM users_raw'),
      published: await messages(env.TOPIC_USERS_CREATED!),
      processed: await messages(env.TOPIC_USERS_PROCESSED!),
      stored: await storedInCassandra(),
    };
    expect(truth).toEqual({ fetched: n, staged: n, published: n + 2, processed: n, stored: n });
    // The page updates each tick: wait until it has caught up with the settled pipeline.
    const onPage = async () => ({
      fetched: await stageCount('fetched'),
      staged: await stageCount('staged'),
      published: await stageCount('published'),
      processed: await stageCount('processed'),
      stored: await stageCount('stored'),
    });
    await waitFor(async () => JSON.stringify(await onPage()) === JSON.stringify(truth), { timeoutMs: 120_000, intervalMs: 500, what: `the page showing ${JSON.stringify(truth)}` }).catch(async (error) => {
      throw new Error(`${(error as Error).message}; it shows ${JSON.stringify(await onPage())}`);
    });
    expect(await onPage()).toEqual(truth);
    // Both poison messages are the Spark stage's dead letters; the outbox holds nothing unpublished.
    expect(await shown('[data-stage="processed"] [data-side="dlqSpark"] .n')).toBe(2);
    expect(await shown('[data-stage="stored"] [data-side="dlqWriter"] .n')).toBe(0);
    expect(await shown('[data-stage="published"] [data-side="unpublished"] .n')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).toBe(0);
    // The topics table shows the same end offsets.
    expect(await shown(`#topics tr[data-topic="${env.TOPIC_USERS_CREATED}"] td[data-value]`)).toBe(n + 2);
  });

  it('finds a stored user by id and by e-mail, and the dead-lettered ones with their reason', { timeout: 120_000 }, async () => {
    const find = async (query: string) => {
      await page.fill('#find-query', query);
      await page.click('#find-form button');
    };
    const { rows } = await pool.query<{ id: string; email: string }>('SELECT id::text AS id, email FROM users_raw ORDER BY id LIMIT 1');
    const user = rows[0]!;

    await find(user.id);
    const stored = page.locator(`.trace[data-id="${user.id}"]`);
    await stored.waitFor({ timeout: 30_000 });
    expect(await stored.getAttribute('data-where')).toBe('stored');
    expect(await stored.textContent()).toContain(user.email.toLowerCase());
    expect(await stored.textContent()).toContain(`${env.TOPIC_USERS_CREATED}[`);

    await find(user.email.toUpperCase());
    await page.locator(`.trace[data-id="${user.id}"][data-where="stored"]`).waitFor({ timeout: 30_000 });

    await find(refused.email);
    const dead = page.locator(`.trace[data-id="${refused.id}"]`);
    await dead.waitFor({ timeout: 30_000 });
    expect(await dead.getAttribute('data-where')).toBe('dlq');
    const reason = await dead.locator('[data-dlq-stage="spark"]').textContent();
    expect(reason).toMatch(/^spark: .*first_name/);

    await find(garbageId);
    const garbage = page.locator(`.trace[data-id="${garbageId}"]`);
    await garbage.waitFor({ timeout: 30_000 });
    expect(await garbage.getAttribute('data-where')).toBe('dlq');
    expect(await garbage.locator('[data-dlq-stage="spark"]').textContent()).toContain('unknown magic byte 110 (expected 0)');

    // The DLQ browser lists both, newest first, with the original payload.
    await page.locator(`#dlq tr[data-key="${garbageId}"]`).waitFor({ timeout: 30_000 });
    expect(await page.locator('#dlq tbody tr').count()).toBe(2);
    expect(await page.locator(`#dlq tr[data-key="${refused.id}"]`).textContent()).toContain('record');
  });

  it('lists both consumer groups in the lag table, caught up; saves a screenshot', { timeout: 120_000 }, async () => {
    // The job's position comes from its launcher's /healthz: there, once caught up, it is the created topic's end offsets.
    const admin = await connectAdmin(kafka);
    const ends = Object.fromEntries((await admin.fetchTopicOffsets(env.TOPIC_USERS_CREATED!)).map((p) => [String(p.partition), Number(p.high)]));
    await admin.disconnect();
    expect(Object.values(ends).reduce((a, b) => a + b, 0)).toBe(n + 2);
    const served = async () => {
      const read = readJobPosition(((await (await fetch(`${pipeline.endpoint('spark-launcher')}/healthz`)).json()) as { details?: unknown }).details);
      return 'position' in read ? read.position : null;
    };
    await waitFor(async () => isDeepStrictEqual((await served())?.offsets, ends), { timeoutMs: 60_000, what: `the launcher serving the job's position at ${JSON.stringify(ends)}` });
    expect(await served()).toMatchObject({ mode: 'realtime', query: 'realtime', topic: env.TOPIC_USERS_CREATED, offsets: ends, batch: expect.any(Number), firstBatchRunning: false });

    const groups = [env.SPARK_JOB_APP_NAME!, env.WRITER_GROUP_ID!];
    for (const group of groups) {
      const total = `#lag tr.group-total[data-group="${group}"] td[data-value]`;
      await waitFor(async () => (await shown(total)) === 0, { timeoutMs: 60_000, what: `group ${group} caught up on the page` });
      expect(await shown(total)).toBe(0);
      // One row per partition of its topic (3, as the apps create them).
      expect(await page.locator(`#lag tr[data-group="${group}"][data-partition]`).count()).toBe(3);
    }
    expect(await page.locator('#lag tr.group-total').count()).toBe(2);

    // The picture shows a whole trace: a stored user, found by e-mail.
    const { rows } = await pool.query<{ id: string; email: string }>('SELECT id::text AS id, email FROM users_raw ORDER BY staged_at DESC LIMIT 1');
    await page.fill('#find-query', rows[0]!.email);
    await page.click('#find-form button');
    await page.locator(`.trace[data-id="${rows[0]!.id}"][data-where="stored"]`).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(outDir, 'monitor.png'), fullPage: true });
    const metrics = await monitorMetrics();
    const seconds = (Date.now() - watch.startedAt) / 1000;
    const resources = {
      watchedSeconds: Math.round(seconds),
      cpuPercent: Math.round(((sumSamples(metrics, 'process_cpu_seconds_total') - watch.cpuAtStart) / seconds) * 1000) / 10,
      rssMiB: Math.round(sumSamples(metrics, 'process_resident_memory_bytes') / 1048576),
    };
    writeFileSync(join(outDir, 'monitor-resources.json'), `${JSON.stringify(resources)}\n`);

    // The terminal view reads the same state: `npm run stack -- top --once` against this monitor.
    const top = spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'tools/local-stack/src/cli.ts'), 'top', '--once'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, MONITOR_HTTP_PORT: new URL(monitorUrl).port, MONITOR_AUTH_TOKEN: token },
    });
    expect(top.status, top.stderr).toBe(0);
    expect(top.stdout).toMatch(new RegExp(`^stored +${n} `, 'm'));
    expect(top.stdout).toMatch(new RegExp(`^${env.WRITER_GROUP_ID!} +\\S+ +0 `, 'm'));
    console.log(`monitor while watching: ${JSON.stringify(resources)}; screenshot ${join(outDir, 'monitor.png')}`);
  });

  it('shows the servers as a cluster: the broker the clients are told of and the Cassandra node up, every partition of the run in sync', { timeout: 60_000 }, async () => {
    const broker = page.locator(`#cluster tr[data-broker="${config.kafka.brokers[0]}"]`);
    await broker.waitFor({ timeout: 30_000 });
    expect(await broker.getAttribute('data-up')).toBe('true');
    expect(await broker.textContent()).toMatch(/broker \d+, controller/);
    expect(await page.locator('#cluster tr[data-broker]').count()).toBe(1);
    expect(await page.locator('#cluster tr[data-node][data-up="true"]').count()).toBe(1);
    // The run's three topics, three partitions each (as provisioned), each replica in sync.
    expect(await page.locator('#cluster-summary').textContent()).toBe('9 of 9 partitions in sync');
    // One instance of each app: listed by its name alone.
    expect(await page.locator('#apps tr[data-app="relay"] td').first().textContent()).toBe('relay');
  });

  it('works under its CSP with the token: no violation reported, no page without the token', { timeout: 60_000 }, async () => {
    expect(pageHeaders['content-security-policy']).toMatch(/script-src 'self'/);
    expect(pageHeaders['content-security-policy']).not.toContain('unsafe-inline');
    expect(pageHeaders['x-frame-options']).toBe('DENY');
    // The page drew its charts and kept its live channel (behind the same Basic auth).
    expect(await page.locator('#chart-rates canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#live').getAttribute('data-state')).toBe('live');
    expect(cspViolations).toEqual([]);
    expect((await fetch(`${monitorUrl}/api/state`)).status).toBe(401);
  });
});
