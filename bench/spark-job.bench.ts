/**
 * The Spark job alone: `warmup + users` users are staged and relayed to the source topic first, then
 * the relay stops and the job (spark-launcher, on the local stack's master and worker) drains that
 * backlog with nothing else busy. The figures cover the `users` after the first `warmup` (the job's
 * JVMs are new each run and spend their first minute JIT-compiling), read off the processed topic's
 * offsets. This is the most the Spark stage does on this machine. Needs `npm run stack -- up`.
 * Run: npx tsx bench/spark-job.bench.ts [users=200000] [warmup=100000]
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connectAdmin, createKafka } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';
import { createIsolatedRun, startApp, stopApp } from '@streamline/app-runner';
import { cpuByTree, cpuDelta } from './cpu-usage.js';
import { ingestGenerated, messagesIn, root, stackServerPids } from './local-run.js';

const n = Number(process.argv[2] ?? 200_000);
const warmup = Number(process.argv[3] ?? 100_000);
const config = loadConnectionConfig();
const id = `bench_spark_${Date.now().toString(36)}`;
const run = await createIsolatedRun(config, id);
const env = { ...process.env, ...run.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const logDir = join(root, '.stack', 'logs', 'bench', id);
const admin = await connectAdmin(createKafka(config.kafka));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

try {
  const relay = await startApp('relay', { logDir, env });
  const { staged } = ingestGenerated(env, id, warmup + n);
  while ((await messagesIn(admin, run.env.TOPIC_USERS_CREATED!)) < staged) await sleep(500);
  await stopApp(relay);

  const servers = stackServerPids();
  const launcher = await startApp('spark-launcher', { logDir, env });
  const roots = new Map<string, number>([
    ...[...servers].filter(([name]) => ['spark-worker', 'spark-master', 'kafka', 'schema-registry'].includes(name)),
    ['spark-launcher', launcher.child.pid!],
  ]);
  const processed = () => messagesIn(admin, run.env.TOPIC_USERS_PROCESSED!);
  const t0 = Date.now();
  while ((await processed()) < warmup) await sleep(250);
  const startedMs = Date.now() - t0;
  const from = await processed();
  const cpuBefore = cpuByTree(roots);
  const t1 = Date.now();
  while ((await processed()) < staged) await sleep(250);
  const ms = Date.now() - t1;
  const cpu = cpuDelta(cpuBefore, cpuByTree(roots));
  await stopApp(launcher);

  const measured = staged - from;
  const total = [...cpu.values()].reduce((a, b) => a + b, 0);
  console.log(`\nSpark job alone: ${measured} users measured after ${from} (launch to ${from} processed: ${(startedMs / 1000).toFixed(1)} s), ${cpus().length} cores\n`);
  console.log(`| measured | users/s | wall s |\n| ---: | ---: | ---: |\n| ${measured} | ${Math.round((measured * 1000) / ms).toLocaleString('en-US')} | ${(ms / 1000).toFixed(1)} |\n`);
  console.log('| process tree | CPU s | CPU µs / user |\n| --- | ---: | ---: |');
  for (const [name, s] of [...cpu].sort((a, b) => b[1] - a[1])) console.log(`| ${name} | ${s.toFixed(1)} | ${Math.round((s * 1e6) / measured)} |`);
  console.log(`| total | ${total.toFixed(1)} | ${Math.round((total * 1e6) / measured)} |`);
} finally {
  await admin.disconnect();
  await run.drop();
}
