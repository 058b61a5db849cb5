// Ingest rate (users/s) from the offline generator into PostgreSQL staging, through the same HTTP
// client, mapper and staging code as the app. Needs the local stack's PostgreSQL.
// Usage: npx tsx bench/ingestor.bench.ts [count=20000]
// Writes into a database of its own (dropped at the end), so a running relay does not publish it.
import { randomBytes } from 'node:crypto';
import { createPgPool } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';
import { silentLogger } from '@streamline/runtime';
import { createApiClient } from '../apps/ingestor/src/api-client.js';
import { startGeneratorServer } from '../apps/ingestor/src/generator/server.js';
import { runIngest } from '../apps/ingestor/src/ingest.js';
import { createBatchStager, prepareStaging } from '../apps/ingestor/src/stage-batch.js';

const count = Number(process.argv[2] ?? 20_000);
const log = silentLogger();
const connections = loadConnectionConfig(process.env);
const database = `bench_ingest_${randomBytes(3).toString('hex')}`;

interface Scenario {
  name: string;
  batchSize: number;
  concurrency: number;
  maxInFlightBatches: number;
  pageSize?: number;
  /** false: fetch and map only (the source's ceiling). */
  stage?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'fetch+map only (no staging)', batchSize: 1000, concurrency: 4, maxInFlightBatches: 2, stage: false },
  { name: 'defaults', batchSize: 1000, concurrency: 4, maxInFlightBatches: 2 },
  { name: 'serial', batchSize: 1000, concurrency: 1, maxInFlightBatches: 1 },
  { name: 'batch 500', batchSize: 500, concurrency: 4, maxInFlightBatches: 2 },
  { name: 'batch 2000, 3 in flight', batchSize: 2000, concurrency: 4, maxInFlightBatches: 3 },
  { name: 'batch 5000, page 5000', batchSize: 5000, concurrency: 2, maxInFlightBatches: 2, pageSize: 5000 },
];

const admin = createPgPool(connections.pg, { database: 'postgres', max: 1 });
await admin.query(`CREATE DATABASE ${database}`);
const pool = createPgPool({ ...connections.pg, database }, { max: 8 });
const generator = await startGeneratorServer();
const rows: Array<Record<string, string | number>> = [];
try {
  await prepareStaging(pool, { ...connections.pg, database });
  for (const s of scenarios) {
    const client = createApiClient({ baseUrl: generator.url, timeoutMs: 60_000, retries: 2, minDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 1000, maxSockets: s.concurrency, log });
    const stager = createBatchStager(pool, { retries: 2, minDelayMs: 100, maxDelayMs: 1000, log });
    const summary = await runIngest(
      {
        fetchPage: (r, signal) => client.fetchPage(r, signal),
        stage: s.stage === false ? async (b) => ({ staged: b.length, duplicates: 0 }) : stager,
        log,
      },
      {
        count,
        batchSize: s.batchSize,
        concurrency: s.concurrency,
        maxInFlightBatches: s.maxInFlightBatches,
        resultsPerPage: s.pageSize,
        seed: randomBytes(6).toString('hex'),
        source: 'generator',
        runId: `bench-${randomBytes(3).toString('hex')}`,
        progressIntervalMs: 0,
      },
    );
    client.close();
    rows.push({
      scenario: s.name,
      users: summary.fetched,
      staged: summary.staged,
      'batch/page': `${s.batchSize}/${summary.resultsPerPage}`,
      'conc/in-flight': `${s.concurrency}/${s.maxInFlightBatches}`,
      'elapsed s': (summary.elapsedMs / 1000).toFixed(2),
      'users/s': summary.rate,
    });
    console.error(`done: ${s.name}`);
  }
} finally {
  await generator.close();
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
console.table(rows);
