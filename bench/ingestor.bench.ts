// Ingest rate (users/s) from the offline generator into PostgreSQL staging, for several batch
// settings: the ingestor app itself, run through its public entry (the same command npm start runs),
// its rate read from its JSON summary. Needs the local stack's PostgreSQL.
// Usage: npx tsx bench/ingestor.bench.ts [count=20000]
// Writes into a database of its own (dropped at the end), so a running relay does not publish it.
import { randomBytes } from 'node:crypto';
import { lastJsonLine, runAppToEnd } from '@streamline/app-runner';
import { createPgPool } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';

const count = Number(process.argv[2] ?? 20_000);
const connections = loadConnectionConfig(process.env);
const database = `bench_ingest_${randomBytes(3).toString('hex')}`;

interface Scenario {
  name: string;
  batchSize: number;
  concurrency: number;
  maxInFlightBatches: number;
  pageSize?: number;
}

const scenarios: Scenario[] = [
  { name: 'defaults', batchSize: 1000, concurrency: 4, maxInFlightBatches: 2 },
  { name: 'serial', batchSize: 1000, concurrency: 1, maxInFlightBatches: 1 },
  { name: 'batch 500', batchSize: 500, concurrency: 4, maxInFlightBatches: 2 },
  { name: 'batch 2000, 3 in flight', batchSize: 2000, concurrency: 4, maxInFlightBatches: 3 },
  { name: 'batch 5000, page 5000', batchSize: 5000, concurrency: 2, maxInFlightBatches: 2, pageSize: 5000 },
];

interface Summary {
  fetched: number;
  staged: number;
  resultsPerPage: number;
  elapsedMs: number;
  rate: number;
}

const admin = createPgPool(connections.pg, { database: 'postgres', max: 1 });
await admin.query(`CREATE DATABASE ${database}`);
const rows: Array<Record<string, string | number>> = [];
try {
  for (const s of scenarios) {
    const args = ['--source', 'generator', '--seed', randomBytes(6).toString('hex'), '--count', String(count), '--batch-size', String(s.batchSize)];
    args.push('--concurrency', String(s.concurrency), '--max-in-flight', String(s.maxInFlightBatches), '--json');
    if (s.pageSize) args.push('--page-size', String(s.pageSize));
    const summary = lastJsonLine<Summary>(runAppToEnd('ingestor', args, { env: { PG_DATABASE: database, LOG_LEVEL: 'warn', INGESTOR_HTTP_PORT: '0' } }), s.name);
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
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
console.table(rows);
