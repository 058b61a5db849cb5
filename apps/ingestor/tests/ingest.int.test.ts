import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';
import { createPgPool, type PgPool } from '@streamline/clients';
import { silentLogger } from '@streamline/runtime';
import { testConnections, uniqueName } from '@streamline/testing';
import { withEmptyDatabase } from '@streamline/staging/testing';
import { createApiClient } from '../src/api-client.js';
import { planPages } from '../src/fetch-plan.js';
import { httpFaultFor, isCorruptRecord, parseFaultSpec } from '../src/generator/faults.js';
import { generatePage } from '../src/generator/generate-users.js';
import { type GeneratorServer, startGeneratorServer } from '../src/generator/server.js';
import { runIngest } from '../src/ingest.js';
import { createBatchStager, prepareStaging } from '../src/stage-batch.js';
import type { IngestSummary } from '../src/summary.js';

const config = testConnections();
const log = silentLogger();

/** The ids the generator gives for (seed, count, page size), and which of them a fault spec corrupts. */
function expectedUsers(seed: string, count: number, pageSize: number, faults = parseFaultSpec(undefined)) {
  const plan = planPages({ count, batchSize: pageSize, resultsPerPage: pageSize });
  const good: string[] = [];
  const corrupt: string[] = [];
  for (const { page, take } of plan.pages) {
    generatePage({ seed, page, results: plan.resultsPerPage })
      .results.slice(0, take)
      .forEach((u, i) => (isCorruptRecord(faults, seed, page, i) ? corrupt : good).push(u.login.uuid));
  }
  return { good, corrupt };
}

/** Runs the CLI (the app's one entry, app-runner) with --json; returns the exit code and the summary line. */
async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; summary: IngestSummary & { ok: boolean }; stderr: string }> {
  const run = runAppToEnd('ingestor', [...args, '--json'], { env });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return { code: run.status, summary: JSON.parse(last), stderr: run.stderr };
  } catch {
    throw new Error(`no JSON summary as the last stdout line (exit ${run.status}): ${last} ${run.stderr}`);
  }
}

describe('ingestor (real PostgreSQL staging)', () => {
  // Its own database: other tests and a running relay share the default one's outbox.
  const database = uniqueName('it_ingest');
  const pgConfig = { ...config.pg, database };
  const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
  let pool: PgPool;
  let generator: GeneratorServer;

  beforeAll(async () => {
    await admin.query(`CREATE DATABASE ${database}`);
    pool = createPgPool(pgConfig, { max: 4 });
    await prepareStaging(pool, pgConfig);
    generator = await startGeneratorServer();
  });

  afterAll(async () => {
    await generator?.close();
    await pool?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  /** The pipeline as main.ts wires it, in-process, against the generator over HTTP. */
  async function ingest(seed: string, runId: string, count: number): Promise<IngestSummary> {
    const client = createApiClient({ baseUrl: generator.url, timeoutMs: 10_000, retries: 3, minDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 1000, log });
    try {
      return await runIngest(
        {
          fetchPage: (request, signal) => client.fetchPage(request, signal),
          stage: createBatchStager(pool, { retry: (_what, fn) => fn() }),
          log,
        },
        { count, batchSize: 100, concurrency: 3, maxInFlightBatches: 2, seed, source: 'generator', runId, progressIntervalMs: 0 },
      );
    } finally {
      client.close();
    }
  }

  const rawIds = async (runId: string) =>
    (await pool.query<{ id: string }>('SELECT id FROM users_raw WHERE ingest_run_id = $1', [runId])).rows.map((r) => r.id);
  const outboxFor = async (ids: string[]) =>
    (
      await pool.query<{ aggregateid: string; payload_id: string; run: string; staged_at: string | null }>(
        `SELECT aggregateid, payload->>'id' AS payload_id, payload->>'ingest_run_id' AS run, payload->>'staged_at' AS staged_at
         FROM outbox WHERE aggregateid = ANY($1)`,
        [ids],
      )
    ).rows;
  const countWhere = async (sql: string, params: unknown[]) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);

  it('stages exactly the 500 generated users with one outbox row each; a rerun with the same seed adds nothing', async () => {
    const seed = uniqueName('seed');
    const runId = uniqueName('run');
    const { good: expected } = expectedUsers(seed, 500, 100);
    expect(new Set(expected).size).toBe(500);

    const first = await ingest(seed, runId, 500);
    expect(first).toMatchObject({ fetched: 500, staged: 500, duplicates: 0, rejected: 0, pages: 5 });

    const ids = await rawIds(runId);
    expect(ids).toHaveLength(500);
    // `staged --run-id` (what Airflow's check asks) counts the same.
    const staged = runAppToEnd('ingestor', ['staged', '--run-id', runId], { env: { PG_DATABASE: database } });
    expect(staged.status, staged.stderr).toBe(0);
    expect(JSON.parse(staged.stdout.trim())).toEqual({ runId, staged: 500 });
    expect(new Set(ids)).toEqual(new Set(expected));
    const raw = await pool.query<{ first_name: string; source: string; login_uuid: string; id: string }>(
      `SELECT id, first_name, source, raw->'login'->>'uuid' AS login_uuid FROM users_raw WHERE ingest_run_id = $1 LIMIT 5`,
      [runId],
    );
    for (const row of raw.rows) expect(row).toMatchObject({ source: 'generator', login_uuid: row.id });

    const outbox = await outboxFor(expected);
    expect(outbox).toHaveLength(500);
    expect(new Set(outbox.map((r) => r.payload_id))).toEqual(new Set(expected));
    for (const row of outbox) {
      expect(row.aggregateid).toBe(row.payload_id);
      expect(row.run).toBe(runId);
      expect(Number(row.staged_at)).toBeGreaterThan(0);
    }

    // Same seed, new run id: every user is already staged.
    const rerunId = uniqueName('rerun');
    const usersBefore = await countWhere('SELECT count(*) AS n FROM users_raw', []);
    const outboxBefore = await countWhere('SELECT count(*) AS n FROM outbox', []);
    const again = await ingest(seed, rerunId, 500);
    expect(again).toMatchObject({ fetched: 500, staged: 0, duplicates: 500, rejected: 0 });
    expect(await rawIds(rerunId)).toHaveLength(0);
    expect(await countWhere('SELECT count(*) AS n FROM users_raw', [])).toBe(usersBefore);
    expect(await countWhere('SELECT count(*) AS n FROM outbox', [])).toBe(outboxBefore);
    expect(await outboxFor(expected)).toHaveLength(500);
    expect(await countWhere(`SELECT count(*) AS n FROM outbox WHERE payload->>'ingest_run_id' = $1`, [rerunId])).toBe(0);
    // ...but the rerun's users are known as fetched by it (what `npm start` checks in Cassandra).
    const refetched = await pool.query<{ id: string }>('SELECT id FROM users_refetched WHERE ingest_run_id = $1', [rerunId]);
    expect(new Set(refetched.rows.map((r) => r.id))).toEqual(new Set(expected));
    expect(await countWhere('SELECT count(*) AS n FROM users_refetched WHERE ingest_run_id = $1', [runId])).toBe(0);
  });

  it('CLI: with bad records and 503/429 faults on, rejects and counts the bad records, never stages them', async () => {
    const runId = uniqueName('run');
    const spec = 'bad=0.05,503=0.3,429=0.2,retry-after=0';
    // A seed whose pages get at least one HTTP fault (faults are a function of seed and page: about
    // 3% of seeds would get none, and the retry assertion below would fail for them).
    const plan = planPages({ count: 500, batchSize: 100, resultsPerPage: 100 });
    let seed = uniqueName('seed');
    const firstAttemptFaults = (s: string) => plan.pages.filter(({ page }) => httpFaultFor(parseFaultSpec(spec), `${s}|${page}|100|`, 0, 0) !== null).length;
    while (firstAttemptFaults(seed) === 0) seed = uniqueName('seed');
    const { good, corrupt } = expectedUsers(seed, 500, 100, parseFaultSpec(spec));
    expect(corrupt.length).toBeGreaterThan(0);

    const { code, summary, stderr } = await runCli(
      ['--source', 'generator', '--count', '500', '--page-size', '100', '--batch-size', '100', '--seed', seed, '--run-id', runId, '--faults', spec],
      { PG_DATABASE: database, INGESTOR_RETRY_MIN_DELAY_MS: '10', INGESTOR_RETRY_MAX_DELAY_MS: '50', LOG_LEVEL: 'warn' },
    );
    expect(code, stderr).toBe(0);
    expect(summary).toMatchObject({ ok: true, runId, seed, source: 'generator', fetched: 500, staged: good.length, duplicates: 0, rejected: corrupt.length });
    expect(summary.retries).toBeGreaterThanOrEqual(firstAttemptFaults(seed));
    expect(summary.rejectReasons.length).toBeGreaterThan(0);
    for (const reason of summary.rejectReasons) expect(reason).toMatch(/^invalid record: [\w.]+=.*: /);

    expect(new Set(await rawIds(runId))).toEqual(new Set(good));
    expect(await countWhere('SELECT count(*) AS n FROM users_raw WHERE id = ANY($1)', [corrupt])).toBe(0);
    expect(await outboxFor(corrupt)).toHaveLength(0);
    expect(await countWhere(`SELECT count(*) AS n FROM outbox WHERE payload->>'ingest_run_id' = $1`, [runId])).toBe(good.length);
  });

  it('`staged` is read-only: on a database without staging it fails in one line and creates nothing', async () => {
    await withEmptyDatabase(config.pg, async (empty) => {
      const run = runAppToEnd('ingestor', ['staged', '--run-id', 'nope'], { env: { PG_DATABASE: empty.name } });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n').filter((l) => l.startsWith('ingestor:'))).toEqual([
        `ingestor: database ${empty.name} has no staging tables yet: start the stack and the pipeline first (npm start), or the ingestor or relay, which create them`,
      ]);
      expect(await empty.tableCount()).toBe(0);
    });
  });

  it('CLI: waits out a PostgreSQL outage up to INGESTOR_OUTAGE_TIMEOUT_MS, then fails in one line with a non-zero exit', async () => {
    const started = Date.now();
    const { code, summary, stderr } = await runCli(['--source', 'generator', '--count', '10'], {
      PG_PORT: '1',
      LOG_LEVEL: 'silent',
      INGESTOR_OUTAGE_TIMEOUT_MS: '3000',
      INGESTOR_RETRY_MIN_DELAY_MS: '200',
      INGESTOR_RETRY_MAX_DELAY_MS: '500',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(code).toBe(1);
    expect(summary).toMatchObject({ ok: false });
    expect(stderr.trim().split('\n').filter((l) => l.startsWith('ingestor:'))).toEqual([
      `ingestor: PostgreSQL staging at ${config.pg.host}:1/${config.pg.database} is not usable: connect ECONNREFUSED ${config.pg.host}:1`,
    ]);
  });
});
