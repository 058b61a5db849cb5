// The ingestor's own CPU per user on its in-process path, no servers needed: fetch (node-fetch over
// local HTTP) -> parse -> validate -> map -> the staging payload (stageUsers' parameters, built and
// written into a Bind message's bytes as node-postgres does, but not sent). The pages are generated once by a child process that serves them from memory, so
// this process's CPU (process.cpuUsage) is the ingestor's alone: PostgreSQL's and the generator's are
// not in it. Defaults as the app's: batch 1000, pages of 1000, 4 pages at once, 2 batches in flight.
// Usage: npx tsx apps/ingestor/scripts/cpu-per-user.bench.ts [users=200000] [runs=3]
// Profile: node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof apps/ingestor/scripts/cpu-per-user.bench.ts
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { percentile } from '@streamline/app-runner';
import { createParameterBuffers, stagingParameter } from '@streamline/staging';
import { createApiClient } from '../src/api-client.js';
import { generatePage } from '../src/generator/generate-users.js';
import { runIngest } from '../src/ingest.js';
import type { StageFn } from '../src/stage-batch.js';

const PAGE_SIZE = 1000;
/** Distinct pages served in turn (page N gets pages[(N - 1) % DISTINCT_PAGES]). */
const DISTINCT_PAGES = 8;

if (process.argv[2] === 'serve') {
  const bodies = Array.from({ length: DISTINCT_PAGES }, (_, i) => {
    const page = generatePage({ seed: 'cpu-bench', page: i + 1, results: PAGE_SIZE });
    return Buffer.from(JSON.stringify({ results: page.results, info: page.info }));
  });
  const server = createServer((req, res) => {
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
    const body = bodies[(page - 1) % DISTINCT_PAGES]!;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
} else {
  const users = Number(process.argv[2] ?? 200_000);
  const runs = Number(process.argv[3] ?? 3);
  // The server child runs without the profiler flags of this process.
  const child = fork(process.argv[1]!, ['serve'], { execArgv: process.execArgv.filter((a) => !a.startsWith('--cpu-prof')) });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
  const baseUrl = `http://127.0.0.1:${port}/api/`;
  // As the app at LOG_LEVEL=info (debug calls disabled), its lines thrown away.
  const log = pino({ name: 'ingestor', level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
  const client = createApiClient({ baseUrl, timeoutMs: 30_000, retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, maxSockets: 4, log });
  // stageUsers up to its query: the batch's parameter (in reused buffers, as stageUsers builds it),
  // and what node-postgres does with the values (pg-protocol's writeValues: a Buffer is copied into
  // the message, a string measured and encoded).
  let payloadBytes = 0;
  let message = Buffer.alloc(0);
  const bind = (values: Array<Buffer | string>) => {
    const size = values.reduce((sum, v) => sum + 4 + (typeof v === 'string' ? Buffer.byteLength(v) : v.length), 0);
    if (message.length < size) message = Buffer.allocUnsafe(size);
    let at = 0;
    for (const v of values) at += 4 + (typeof v === 'string' ? message.write(v, at + 4) : v.copy(message, at + 4));
    return at;
  };
  const buffers = createParameterBuffers();
  const stage: StageFn = async (batch) => {
    const parameter = stagingParameter(batch, buffers);
    payloadBytes += bind([parameter, 'user', 'UserCreated']);
    buffers.give(parameter);
    return { staged: batch.length, duplicates: 0 };
  };
  const ingest = (count: number, runId: string) =>
    runIngest(
      { fetchPage: (request, signal) => client.fetchPage(request, signal), stage, log },
      { count, batchSize: 1000, concurrency: 4, maxInFlightBatches: 2, resultsPerPage: PAGE_SIZE, seed: 'cpu-bench', source: 'generator', runId, progressIntervalMs: 0 },
    );

  await ingest(40_000, 'warm-up');
  const perUser: number[] = [];
  for (let run = 1; run <= runs; run++) {
    payloadBytes = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await ingest(users, `run-${run}`);
    const used = process.cpuUsage(cpu);
    const elapsed = performance.now() - started;
    if (summary.staged !== users || summary.rejected !== 0) throw new Error(`run ${run}: staged ${summary.staged} rejected ${summary.rejected} of ${users}`);
    const us = (used.user + used.system) / users;
    perUser.push(us);
    console.log(
      `run ${run}: ${users} users, ${us.toFixed(1)} CPU-µs/user (user ${(used.user / users).toFixed(1)}, system ${(used.system / users).toFixed(1)}), ` +
        `${Math.round(users / (elapsed / 1000))} users/s, payload ${(payloadBytes / users).toFixed(0)} B/user`,
    );
  }
  console.log(`median ${percentile([...perUser].sort((a, b) => a - b), 50)!.toFixed(1)} CPU-µs/user over ${runs} runs`);
  client.close();
  child.disconnect();
}
