/**
 * End-to-end throughput of the whole pipeline on the local stack: N generated users from the
 * ingestor to Cassandra, every app a process of its own, on a fresh database, topics, keyspace and
 * Spark checkpoint. Prints a table per stage. Needs `npm run stack -- up`.
 *
 * "Sustained" throughput: the Spark job's driver and executor are new JVMs for every run, and in
 * a profile their JIT compiler alone took ~7.5 s of CPU each in a 20 s window of a cold run. So
 * `warmup` users go through the whole pipeline first, unmeasured; the figures are for the N after.
 * Run: npx tsx bench/pipeline.bench.ts [users=50000] [warmup=20000]
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { types } from 'cassandra-driver';
import { connectAdmin, createCassandraClient, createKafka, createPgPool, fetchConsumerLag } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';
import { createIsolatedRun, runAppToEnd, startApp, stopApp } from '@streamline/app-runner';
import { cpuByTree, cpuDelta } from './cpu-usage.js';
import { ingestGenerated, messagesIn, root, stackServerPids } from './local-run.js';

const n = Number(process.argv[2] ?? 50_000);
const warmup = Number(process.argv[3] ?? 20_000);
const config = loadConnectionConfig();
const id = `bench_${Date.now().toString(36)}`;
const run = await createIsolatedRun(config, id);
const env = { ...run.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const pool = createPgPool({ ...config.pg, database: id }, { max: 2 });
const cassandra = createCassandraClient(config.cassandra);
const logDir = join(root, '.stack', 'logs', 'bench', id);
const apps = await Promise.all((['relay', 'spark-launcher', 'cassandra-writer'] as const).map((name) => startApp(name, { logDir, env })));

// Done-ness is polled on Kafka offsets (the writer's group caught up with every message the job
// wrote), not by SELECT count(*) every second: that full scan took a quarter of Cassandra's CPU in
// a profile and so lowered the figures it measured. One count at the end confirms.
const admin = await connectAdmin(createKafka(config.kafka));
const writerCaughtUp = async (expected: number) => {
  const topic = run.env.TOPIC_USERS_PROCESSED!;
  if ((await messagesIn(admin, topic)) < expected) return false;
  return (await fetchConsumerLag(admin, run.env.WRITER_GROUP_ID!, topic)).total === 0;
};
const count = async () => {
  try {
    return Number((await cassandra.execute(`SELECT count(*) FROM ${id}.created_users`, [], { readTimeout: 120_000 })).first().get('count'));
  } catch {
    return 0;
  }
};
try {
  // Wait until the streaming query runs, so the figures measure the pipeline, not start-up.
  while (runAppToEnd('spark-launcher', ['status'], { env }).status !== 0) {
    await new Promise((r) => setTimeout(r, 2000));
  }
  // Which process tree burns the CPU: each server, each app (the Spark job's driver runs under
  // spark-launcher, its executor under spark-worker), and the ingestor (reaped by this process).
  const roots = new Map<string, number>([
    ...stackServerPids(),
    ...apps.map((a) => [a.name, a.child.pid!] as [string, number]),
    ['ingestor (+ bench polling)', process.pid],
  ]);
  const ingest = async (seed: string, count: number, alreadyStored: number) => {
    const summary = ingestGenerated(env, seed, count);
    while (!(await writerCaughtUp(alreadyStored + summary.staged))) await new Promise((r) => setTimeout(r, 500));
    return summary;
  };
  const warmed = warmup > 0 ? (await ingest(`${id}-warmup`, warmup, 0)).staged : 0;
  const measuredFrom = new Date();
  const cpuBefore = cpuByTree(roots);
  const t0 = Date.now();
  const summary = await ingest(id, n, warmed);
  const wallMs = Date.now() - t0;
  const cpu = cpuDelta(cpuBefore, cpuByTree(roots));
  // The count confirms the offsets; it is a full scan, so it runs after the CPU is read.
  while ((await count()) < warmed + summary.staged) await new Promise((r) => setTimeout(r, 2000));

  const outbox = (
    await pool.query(
      `SELECT extract(epoch FROM max(published_at) - min(created_at)) * 1000 AS span_ms,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at) * 1000) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at) * 1000) AS p99
       FROM outbox WHERE created_at >= $1`,
      [measuredFrom],
    )
  ).rows[0];
  const rows: types.Row[] = [];
  let pageState: string | undefined;
  do {
    // Page by page: one execute returns a single page of fetchSize rows.
    const rs: types.ResultSet = await cassandra.execute(`SELECT staged_at, processed_at, stored_at FROM ${id}.created_users`, [], { fetchSize: 50_000, readTimeout: 120_000, ...(pageState ? { pageState } : {}) });
    rows.push(...rs.rows);
    pageState = rs.pageState ?? undefined;
  } while (pageState);
  // The warm-up's users are in the table too; the figures are for the measured ones only.
  const measured = rows.filter((r) => r.get('staged_at').getTime() >= measuredFrom.getTime());
  const lat = measured.map((r) => r.get('stored_at').getTime() - r.get('staged_at').getTime()).sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.ceil((p / 100) * lat.length) - 1)]!;
  const firstStaged = measured.reduce((min, r) => Math.min(min, r.get('staged_at').getTime()), Infinity);
  const lastStored = measured.reduce((max, r) => Math.max(max, r.get('stored_at').getTime()), 0);
  const rate = (count: number, ms: number) => Math.round((count * 1000) / ms).toLocaleString('en-US');

  console.log(`\nusers: ${n} (after ${warmed} warm-up users), every server and app on this machine (${cpus().length} cores)\n`);
  console.log('| stage | users | users/s | latency |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| ingest: fetch + stage (PostgreSQL) | ${summary.staged} | ${Math.round(summary.rate).toLocaleString('en-US')} | |`);
  console.log(`| relay: outbox -> Kafka | ${summary.staged} | ${rate(summary.staged, Number(outbox.span_ms))} | staged -> published p50 ${Math.round(outbox.p50)} ms, p99 ${Math.round(outbox.p99)} ms |`);
  console.log(`| end to end: staged -> stored in Cassandra | ${measured.length} | ${rate(measured.length, lastStored - firstStaged)} | p50 ${pct(50)} ms, p99 ${pct(99)} ms |`);
  console.log(`| wall clock: ingest start -> last row stored | ${measured.length} | ${rate(measured.length, wallMs)} | ${(wallMs / 1000).toFixed(1)} s |`);

  // CPU per user is what bounds throughput: 2 cores give 2,000,000 CPU-µs a second, so 20k users/s
  // leaves 100 µs per user for every stage together.
  const total = [...cpu.values()].reduce((a, b) => a + b, 0);
  console.log(`\n| process tree | CPU s | CPU µs / user | share |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, s] of [...cpu].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${name} | ${s.toFixed(1)} | ${Math.round((s * 1e6) / n)} | ${Math.round((100 * s) / total)}% |`);
  }
  console.log(`| total | ${total.toFixed(1)} | ${Math.round((total * 1e6) / n)} | users/s this CPU allows on ${cpus().length} cores: ${rate(n * cpus().length, total * 1000)} |`);
} finally {
  await Promise.all(apps.map((a) => stopApp(a)));
  await admin.disconnect();
  await pool.end();
  await cassandra.shutdown();
  await run.drop();
}
