import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraClient, createPgPool, type PgPool } from '@streamline/clients';
import { readStackCredentials } from '@streamline/config';
import { createIsolatedRun, lastJsonLine, repoRoot, runAppToEnd, startApp, stopApp, type AppProcess, type ServingApp, type IsolatedRun } from '@streamline/app-runner';
import { fetchHealth, itForStack, scrapeMetric, testConnections, uniqueName, waitFor } from '@streamline/testing';
import type { apiUserNumericPostcode } from '@streamline/user-schema/testing';

const config = testConnections();

/**
 * The whole pipeline on real servers: ingestor -> PostgreSQL -> relay -> Kafka -> Spark job ->
 * Kafka -> cassandra-writer -> Cassandra, each app its own process, on this test's own database,
 * topics, keyspace, consumer group and Spark checkpoint.
 */
describe('pipeline end to end (real servers, all four apps)', () => {
  const id = uniqueName('e2e');
  let env: Record<string, string> = {};
  let run: IsolatedRun;
  const logDir = join(repoRoot, '.stack', 'logs', 'e2e', id);
  const cassandra = createCassandraClient(config.cassandra);
  let pool: PgPool;
  const apps = new Map<string, AppProcess>();

  const start = async (name: ServingApp) => apps.set(name, await startApp(name, { logDir, env }));
  const ingest = (seed: string, count: number) =>
    lastJsonLine<{ staged: number; duplicates: number; fetched: number; rejected: number }>(
      runAppToEnd('ingestor', ['--source', 'generator', '--seed', seed, '--count', String(count), '--json'], { env: { ...env, LOG_LEVEL: 'warn' } }),
      'the ingestor',
    );
  const storedCount = async () => {
    try {
      return Number((await cassandra.execute(`SELECT count(*) FROM ${id}.created_users`)).first().get('count'));
    } catch {
      return 0; // the writer has not created the table yet
    }
  };
  const unpublished = async () => Number((await pool.query('SELECT count(*) FROM outbox WHERE published_at IS NULL')).rows[0].count);

  beforeAll(async () => {
    run = await createIsolatedRun(config, id);
    // Under STACK=docker the job runs in its driver (local mode) from this machine's pyspark, against
    // the containers' Kafka and registry: the containers' Spark is another build than the venv's.
    // The job's Real-time Mode reports its counts at each batch end: short batches, so that the
    // launcher's counters move within this test (5 minutes by default).
    env = {
      ...run.env,
      LOG_LEVEL: 'info',
      SPARK_JOB_REALTIME_BATCH_DURATION: '15 seconds',
    };
    pool = createPgPool({ ...config.pg, database: id }, { max: 2 });
    await start('relay');
    await start('spark-launcher');
    await start('cassandra-writer');
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((a) => stopApp(a)));
    await pool?.end();
    await cassandra.shutdown();
    await run?.drop();
  });

  it('lands N generated users as exactly N rows in Cassandra, field by field; the same seed again adds none', async () => {
    const n = 2000;
    const first = ingest('e2e-one', n);
    expect(first).toMatchObject({ fetched: n, staged: n, duplicates: 0, rejected: 0 });

    await waitFor(async () => (await storedCount()) >= n, { timeoutMs: 240_000, intervalMs: 1000, what: `${n} users in Cassandra` });
    expect(await storedCount()).toBe(n);

    // A sample compared with what the source sent (the raw JSON kept in staging).
    // The API 1.4 shape, as the generator served it.
    type Raw = typeof apiUserNumericPostcode;
    const { rows } = await pool.query<{ id: string; raw: Raw }>('SELECT id, raw FROM users_raw ORDER BY id LIMIT 25');
    const stored = await cassandra.execute(`SELECT * FROM ${id}.created_users WHERE id IN ?`, [rows.map((r) => r.id)], { prepare: true });
    expect(stored.rowLength).toBe(rows.length);
    const byId = new Map(stored.rows.map((r) => [r.get('id').toString(), r]));
    for (const { id: userId, raw } of rows) {
      const row = byId.get(userId)!;
      expect(row.get('first_name')).toBe(raw.name.first.trim());
      expect(row.get('last_name')).toBe(raw.name.last.trim());
      expect(row.get('email')).toBe(raw.email.trim().toLowerCase());
      expect(row.get('username')).toBe(raw.login.username);
      expect(row.get('post_code')).toBe(String(raw.location.postcode));
      expect(row.get('dob').toString()).toBe(raw.dob.date.slice(0, 10));
      expect(row.get('registered_date').getTime()).toBe(Date.parse(raw.registered.date));
      expect(row.get('phone')).toBe(raw.phone.replace(/(?!^\+)[^\d]/g, ''));
      expect(row.get('address')).toContain(`${raw.location.street.number} ${raw.location.street.name}`);
      expect(row.get('picture')).toBe(raw.picture.medium);
      expect(row.get('nationality')).toBe(raw.nat);
      expect(row.get('stored_at').getTime()).toBeGreaterThanOrEqual(row.get('staged_at').getTime());
    }

    // Idempotent rerun: nothing staged, nothing published, nothing new stored.
    const again = ingest('e2e-one', n);
    expect(again).toMatchObject({ fetched: n, staged: 0, duplicates: n });
    expect(Number((await pool.query('SELECT count(*) FROM outbox')).rows[0].count)).toBe(n);
    expect(await storedCount()).toBe(n);
  });

  it('every app answers /healthz and /metrics, and its counters follow the records through its stage', async () => {
    const urls = new Map<ServingApp, string>();
    for (const name of ['relay', 'spark-launcher', 'cassandra-writer'] as const) urls.set(name, apps.get(name)!.endpoint);
    for (const [name, url] of urls) {
      const health = await waitFor(async () => {
        const h = await fetchHealth(url);
        return h.status === 200 && h;
      }, { timeoutMs: 120_000, what: `${name} ready` });
      expect(health.body).toMatchObject({ status: 'ready', ready: true });
    }
    const counter = (name: ServingApp, metric: string, labels: Record<string, string>) => scrapeMetric(urls.get(name)!, metric, labels);
    const before = {
      relay: await counter('relay', 'streamline_records_out_total', { stage: 'relay', outcome: 'ok' }),
      spark: await counter('spark-launcher', 'streamline_records_out_total', { stage: 'process', outcome: 'ok' }),
      writer: await counter('cassandra-writer', 'streamline_records_out_total', { stage: 'write', outcome: 'ok' }),
      relayCpu: await counter('relay', 'process_cpu_seconds_total', {}),
    };

    // The ingestor lives only while it runs: scraped mid-run, slowed by the generator's 503s.
    const n = 1500;
    const ingestor = await startApp('ingestor', {
      logDir,
      env: { ...env, LOG_LEVEL: 'warn' },
      args: ['--source', 'generator', '--seed', 'e2e-metrics', '--count', String(n), '--batch-size', '250', '--page-size', '250', '--concurrency', '1', '--faults', '503=0.5,retry-after=1', '--json'],
    });
    const ingestorUrl = ingestor.endpoint;
    const seenWhileRunning = await waitFor(async () => {
      const staged = await scrapeMetric(ingestorUrl, 'streamline_records_out_total', { stage: 'ingest', outcome: 'ok' }).catch(() => 0);
      return staged > 0 && staged;
    }, { timeoutMs: 60_000, intervalMs: 100, what: 'the ingestor staging, seen on its /metrics' });
    expect(seenWhileRunning).toBeGreaterThan(0);
    expect(await ingestor.exited).toBe(0);

    await waitFor(async () => (await counter('cassandra-writer', 'streamline_records_out_total', { stage: 'write', outcome: 'ok' })) >= before.writer + n, {
      timeoutMs: 240_000,
      intervalMs: 1000,
      what: `the writer's counter to move by ${n}`,
    });
    expect(await counter('relay', 'streamline_records_out_total', { stage: 'relay', outcome: 'ok' })).toBe(before.relay + n);
    // The job reports its counts at each (15 s) batch end.
    await waitFor(async () => (await counter('spark-launcher', 'streamline_records_out_total', { stage: 'process', outcome: 'ok' })) >= before.spark + n, {
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: `the launcher's processed counter to move by ${n}`,
    });
    expect(await counter('cassandra-writer', 'streamline_end_to_end_latency_seconds_count', {})).toBeGreaterThanOrEqual(before.writer + n);
    // The process metrics are live: publishing the run's users cost the relay CPU time.
    expect(await counter('relay', 'process_cpu_seconds_total', {})).toBeGreaterThan(before.relayCpu);
    // Every record read and stored: the writer's lag gauge, which has a sample per partition, comes
    // back to 0 (it is sampled, so within a while).
    expect(await (await fetch(`${urls.get('cassandra-writer')}/metrics`)).text()).toMatch(/^streamline_consumer_lag_records\{[^}]*partition="\d+"/m);
    const lag = await waitFor(async () => {
      const records = await counter('cassandra-writer', 'streamline_consumer_lag_records', {});
      return records === 0 ? { records } : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: "the writer's lag gauge at 0" });
    expect(lag.records).toBe(0);

    // Prometheus naming, for the ecosystem's own tools: one prefix (besides prom-client's process
    // and Node.js defaults), counters end in _total, units in the name, no user id as a label value.
    for (const [name, url] of urls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ metric: m[1]!, type: m[2]! }));
      expect(types.length, name).toBeGreaterThan(0);
      for (const { metric, type } of types) {
        expect(metric, `${name}: ${metric}`).toMatch(/^(streamline_|process_|nodejs_)/);
        if (type === 'counter') expect(metric, `${name}: ${metric}`).toMatch(/_total$/);
        if (metric.startsWith('streamline_') && type !== 'counter') expect(metric, `${name}: ${metric}`).toMatch(/_(seconds|records|bytes|ratio|per_second|running|clients|info|items)$/);
      }
      expect(text, name).not.toMatch(/="[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/);
    }
  });

  it('ends with exactly the expected set when the relay and the writer are killed mid-run and restarted', async () => {
    const before = await storedCount();
    const n = 3000;
    apps.get('relay')!.child.kill('SIGSTOP'); // hold the relay so the kill lands mid-run
    expect(ingest('e2e-two', n)).toMatchObject({ staged: n });
    apps.get('relay')!.child.kill('SIGCONT');
    await waitFor(async () => (await unpublished()) < n, { timeoutMs: 60_000, what: 'the relay publishing' });
    apps.get('relay')!.child.kill('SIGKILL');
    await waitFor(async () => (await storedCount()) > before, { timeoutMs: 180_000, intervalMs: 500, what: 'the writer storing' });
    apps.get('cassandra-writer')!.child.kill('SIGKILL');
    await Promise.all([apps.get('relay')!.exited, apps.get('cassandra-writer')!.exited]);

    await start('relay');
    await start('cassandra-writer');
    await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 60_000, what: 'the outbox drained' });
    await waitFor(async () => (await storedCount()) >= before + n, { timeoutMs: 240_000, intervalMs: 1000, what: `${before + n} users in Cassandra` });
    expect(await storedCount()).toBe(before + n);
  });

  // The apps' own hard shutdown timeout exits 1 when a stop takes too long, so exit 0 also says "in time".
  it('SIGTERM to each app mid-run: it finishes or hands back its batch, commits and exits 0; restarted, the set is exact', { timeout: 480_000 }, async () => {
    const before = await storedCount();
    const n = 3000;
    const relay = apps.get('relay')!;
    relay.child.kill('SIGSTOP'); // hold the relay so the stop lands mid-run
    expect(ingest('e2e-three', n)).toMatchObject({ staged: n });
    relay.child.kill('SIGCONT');
    await waitFor(async () => (await unpublished()) < n, { timeoutMs: 60_000, what: 'the relay publishing' });
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);

    await waitFor(async () => (await storedCount()) > before, { timeoutMs: 180_000, intervalMs: 500, what: 'the writer storing' });
    const writer = apps.get('cassandra-writer')!;
    writer.child.kill('SIGTERM');
    expect(await writer.exited).toBe(0);
    const launcher = apps.get('spark-launcher')!;
    launcher.child.kill('SIGTERM');
    expect(await launcher.exited).toBe(0);
    for (const app of [relay, writer, launcher]) expect(readFileSync(app.logFile, 'utf8')).toContain('"reason":"SIGTERM","msg":"shutting down"');

    await start('relay');
    await start('spark-launcher');
    await start('cassandra-writer');
    await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 60_000, what: 'the outbox drained' });
    await waitFor(async () => (await storedCount()) >= before + n, { timeoutMs: 360_000, intervalMs: 1000, what: `${before + n} users in Cassandra` });
    expect(await storedCount()).toBe(before + n);
  });

  itForStack(['local'], "no generated secret appears in this run's logs or the stack's", "it reads the local stack's credentials and logs", {}, () => {
    const creds = readStackCredentials(process.env, repoRoot)!;
    const secrets = [creds.pg.password, creds.cassandra.password, creds.kafka.password, creds.airflow.jwtSecret, creds.airflow.secretKey];
    const logs = join(repoRoot, '.stack', 'logs');
    const files = readdirSync(logs, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.log'));
    expect(files.some((f) => join(f.parentPath, f.name).startsWith(logDir))).toBe(true);
    const leaks = files.flatMap((f) => {
      const text = readFileSync(join(f.parentPath, f.name), 'utf8');
      return secrets.filter((secret) => text.includes(secret)).map(() => join(f.parentPath, f.name));
    });
    expect(leaks).toEqual([]);
  });
});
