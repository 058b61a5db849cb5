/**
 * `npm run bench`: the whole suite in one run, minutes not hours, on the local stack (brought up
 * when it is not). Floors first (the servers' least work), then each stage alone, the pipeline end
 * to end, latency at fixed offered rates, the first impression, the relay beside Debezium. Writes
 * bench/results/<date>.md and <date>.svg and the latest-results section of docs/benchmarks.md;
 * prints the markdown.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadConnectionConfig } from '@streamline/config';
import { stackCli, stackStatus } from '@streamline/stack-control';
import { fetchGeneratedPages, root } from './local-run.js';
import { GENERATOR_ROOT, hopLatency, LivePipeline, type UserTimes } from './live-pipeline.js';
import { measureWindow, usPerUser } from './measure-window.js';
import { renderChart, renderMarkdown, LATEST_RESULTS_DOC, updateLatestResults, type FirstImpression, type SuiteResults } from './report.js';
import { floorUs, leastOf, measureServerFloors, PIPELINE_FLOOR } from './server-floors.js';
import { measureStages } from './stages.js';
import { runRelayVsDebezium } from './relay-vs-debezium.bench.js';

const SECTIONS = ['floors', 'stages', 'e2e', 'latency', 'first', 'peer'] as const;
type Section = (typeof SECTIONS)[number];

const opts = new Command('bench')
  .description('the benchmark suite: floors, each stage, end to end, latency at offered rates, first impression, the relay beside Debezium')
  .option('--users <n>', 'users measured per throughput run', '100000')
  .option('--warmup <n>', 'users sent first, unmeasured, in each throughput run', '30000')
  .option('--rates <list>', 'offered rates for the latency runs, users/s', '100,1000,5000')
  .option('--seconds <n>', 'seconds per offered rate', '30')
  .option('--variants <list>', "job settings the latency runs compare, '|'-separated, each 'default' or KEY=VALUE[,KEY=VALUE]", 'default|SPARK_JOB_MODE=microbatch|SPARK_JOB_MODE=microbatch,SPARK_JOB_TRIGGER_SECONDS=1')
  .option('--only <list>', `sections to run (${SECTIONS.join(',')})`, SECTIONS.join(','))
  .option('--set <KEY=VALUE>', "an app setting for this run (repeatable), e.g. SPARK_JOB_TRIGGER_SECONDS=1", (kv: string, all: string[]) => [...all, kv], [] as string[])
  .option('--no-docs', `do not update the latest results in ${LATEST_RESULTS_DOC}`)
  .parse()
  .opts<{ users: string; warmup: string; rates: string; seconds: string; variants: string; only: string; set: string[]; docs: boolean }>();
const settingsOf = (flag: string, list: string[]): Record<string, string> =>
  Object.fromEntries(
    list.map((kv) => {
      const at = kv.indexOf('=');
      if (at < 1) throw new Error(`${flag} ${JSON.stringify(kv)}: expected KEY=VALUE`);
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
  );
const appEnv = settingsOf('--set', opts.set);
/** The latency runs' variants: the first on the end-to-end pipeline, each other on its own. */
const variants = opts.variants.split('|').map((v) => v.trim()).filter(Boolean).map((label) => ({ label, env: label === 'default' ? {} : settingsOf('--variants', label.split(',')) }));
const users = Number(opts.users);
const warmup = Number(opts.warmup);
const only = new Set(opts.only.split(',') as Section[]);
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section ${JSON.stringify(s)} (expected some of ${SECTIONS.join(', ')})`);
const suiteStarted = Date.now();
const elapsed = () => `${((Date.now() - suiteStarted) / 60_000).toFixed(1)} min`;
/** A variant's run waits this long for the pipeline to catch up before it is given up (a stalled job). */
const CAUGHT_UP_MS = 300_000;
const say = (line: string) => process.stderr.write(`[${elapsed()}] ${line}\n`);
/** Minutes each section took, reported with the settings: the suite is meant to take minutes, not hours. */
const took: string[] = [];
let sectionStarted = Date.now();
const sectionDone = (name: string) => {
  took.push(`${name} ${((Date.now() - sectionStarted) / 60_000).toFixed(1)}`);
  sectionStarted = Date.now();
};

stackCli(['up', '--no-apps'], 'inherit');
const status = stackStatus();
const config = loadConnectionConfig();
const date = new Date().toISOString().slice(0, 10);
const appsRunning = status.filter((c) => c.kind === 'app' && c.running).map((c) => c.name);
const results: SuiteResults = {
  date,
  machine: [
    `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    `servers: ${status.filter((c) => c.kind === 'server').map((c) => `${c.name} (${c.installed})`).join(', ')}`,
  ],
  settings: [
    `throughput runs: ${users.toLocaleString('en-US')} users measured after ${warmup.toLocaleString('en-US')} warm-up users; latency runs: ${opts.rates} users/s offered, ${opts.seconds} s each`,
    ...(opts.set.length ? [`app settings: ${opts.set.join(', ')}`] : []),
    `every server and Airflow up; the stack's own supervised apps ${appsRunning.length ? `running but idle (${appsRunning.join(', ')})` : 'not running'}; the apps' settings are their defaults`,
    'CPU is each process tree (the process and its children) read from /proc around the measured window; floor = the servers\' and their clients\' least work for what the stage does (see Floors), the least of 2 passes per work',
  ],
  notes: [],
};

// Floors: a small pass warms the servers' JIT, then the measured one.
const floorUsers = await fetchGeneratedPages(`bench-${date}`, Math.max(users, 20_000));
say('bench: warming the servers (a floor pass, not reported)');
await measureServerFloors(config, floorUsers.slice(0, 20_000));
say('bench: floors (the least of 2 passes per work)');
results.floors = leastOf([await measureServerFloors(config, floorUsers), await measureServerFloors(config, floorUsers)]);
results.pipelineFloorUs = floorUs(results.floors, PIPELINE_FLOOR);
sectionDone('floors');

if (only.has('stages')) {
  say('bench: each stage alone');
  results.stages = await measureStages(config, results.floors, users, warmup, say, appEnv);
  sectionDone('stages');
}

if (only.has('e2e') || only.has('latency')) {
  say('bench: the pipeline end to end');
  // The end-to-end pipeline runs the first variant's settings, so its latency runs need no new start.
  const first = variants[0] ?? { label: 'default', env: {} };
  const p = await LivePipeline.start(config, 'bench_e2e', true, { ...appEnv, ...first.env });
  try {
    await p.ingest(`${p.id}-warmup`, warmup);
    await p.caughtUp();
    if (only.has('e2e')) {
      const since = new Date();
      let staged = 0;
      const window = await measureWindow(p.roots(), async () => {
        staged = await p.ingest(p.id, users);
        await p.caughtUp();
      });
      window.cpu.delete(GENERATOR_ROOT);
      window.peakRssMiB.delete(GENERATOR_ROOT);
      const latency = hopLatency(await p.times(since));
      results.endToEnd = { stage: 'end to end', users: staged, window, usPerUser: usPerUser(window, staged), floorUs: results.pipelineFloorUs, usersPerS: (staged * 1000) / window.ms, latency };
      say(`bench: end to end ${Math.round(results.endToEnd.usersPerS)} users/s, ${results.endToEnd.usPerUser.toFixed(0)} µs/user`);
    }
    if (only.has('latency')) await latencyOn(p, variants[0]?.label ?? 'default');
  } finally {
    await p.stop();
  }
  if (only.has('latency')) {
    for (const variant of variants.slice(1)) {
      await orNote(`the latency runs with ${variant.label}`, async () => {
        const q = await LivePipeline.start(config, 'bench_latency', true, { ...appEnv, ...variant.env });
        try {
          // The job's first minute on new JVMs is not what a running pipeline shows.
          await q.ingest(`${q.id}-warmup`, Math.min(warmup, 10_000));
          await q.caughtUp(CAUGHT_UP_MS);
          await latencyOn(q, variant.label);
        } finally {
          await q.stop();
        }
      });
    }
  }
  sectionDone('end to end and latency');
}

if (only.has('first')) {
  // A fresh stack: `stack up` starts the apps, the query runs on new JVMs, then the first users come.
  say('bench: first impression (new Spark JVMs)');
  const cases = [
    // Each variant on a fresh stack; the apps started with the users only with the first one's settings.
    // The default job's fresh stack is the first `npm start` after `stack up`: judged by its p99.
    ...variants.map((v) => ({ what: `fresh stack: the query up on new JVMs, its first batch (${v.label})`, waitForQuery: true, env: v.env, target: v.label === 'default' ? ('fresh-p99' as const) : ('first-stored' as const) })),
    { what: `the apps started together with the users (npm start without the stack's apps; ${variants[0]?.label ?? 'default'})`, waitForQuery: false, env: variants[0]?.env ?? {}, target: 'first-stored' as const },
  ];
  for (const { what, waitForQuery, env, target } of cases) {
    await orNote(`the first impression "${what}"`, async () => {
      const p = await LivePipeline.start(config, 'bench_first', waitForQuery, { ...appEnv, ...env });
      try {
        const since = new Date(Date.now() - 1000);
        await p.ingest(`${p.id}-first`, 2000);
        await p.caughtUp(CAUGHT_UP_MS);
        const times = await p.times(since);
        (results.first ??= []).push(firstOf(what, target, times));
      } finally {
        await p.stop();
      }
    });
  }
  sectionDone('first impression');
}

if (only.has('peer')) {
  say('bench: the relay beside Debezium');
  try {
    const peer = await runRelayVsDebezium({ users: Math.min(users, 50_000) });
    const side = (s: typeof peer.relay) => ({ recordsPerSec: s.backlog.recordsPerSec, p99Ms: s.rate.p99Ms });
    results.peer = { markdown: peer.markdown, sides: { relay: side(peer.relay), relayWal: side(peer.relayWal), debezium: side(peer.debezium) } };
  } catch (error) {
    results.notes.push(`the relay beside Debezium did not run: ${(error as Error).message.split('\n')[0]}`);
  }
  sectionDone('the relay beside Debezium');
}
results.settings.push(`the suite took ${elapsed()} (minutes per section: ${took.join(', ')})`);

/** Latency at each offered rate on a warm running pipeline, then a 2,000-user burst (what `npm start -- --count 2000` reports on a warm stack). */
async function latencyOn(p: LivePipeline, variant: string): Promise<void> {
  for (const offered of opts.rates.split(',').map(Number)) {
    say(`bench: latency at ${offered} users/s offered (${variant})`);
    const since = new Date();
    const { achieved } = await p.follow(`${p.id}-rate-${offered}`, offered, Number(opts.seconds));
    await p.caughtUp(CAUGHT_UP_MS);
    (results.latency ??= []).push({ variant, offered, achieved, latency: hopLatency(await p.times(since)) });
  }
  const since = new Date();
  await p.ingest(`${p.id}-burst`, 2000);
  await p.caughtUp(CAUGHT_UP_MS);
  (results.first ??= []).push(firstOf(`npm start -- --count 2000 on a warm stack (the job running and warm; ${variant})`, 'p99', await p.times(since)));
}

/** A variant's run that fails becomes a note in the results, not the end of the suite. */
async function orNote(what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const line = (error as Error).message.split('\n')[0];
    say(`bench: ${what} failed: ${line}`);
    results.notes.push(`${what} did not complete: ${line}`);
  }
}

function firstOf(what: string, target: FirstImpression['target'], times: UserTimes[]): FirstImpression {
  const firstStaged = Math.min(...times.map((t) => t.staged));
  const firstStored = Math.min(...times.map((t) => t.stored));
  return { what, target, firstStoredMs: firstStored - firstStaged, latency: hopLatency(times) };
}

const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
// A partial run (some sections, or --set) keeps the full run's files of the day: its own name.
const fullRun = only.size === SECTIONS.length && opts.set.length === 0;
const name = fullRun ? date : `${date}-${[...only].join('-')}-${Date.now().toString(36)}`;
const chartName = `${name}.svg`;
writeFileSync(join(dir, chartName), await renderChart(results));
const markdown = renderMarkdown(results, chartName);
writeFileSync(join(dir, `${name}.md`), markdown);
// The figures themselves, so a chart or table can be drawn again without a rerun.
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, (_key, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value), 2)}\n`);
// Only a full run replaces the figures shown in the docs.
if (opts.docs && fullRun) {
  const doc = join(root, LATEST_RESULTS_DOC);
  if (updateLatestResults(doc, markdown, `bench/results/${name}.md`, `bench/results/${chartName}`, root)) say(`bench: the latest results in ${LATEST_RESULTS_DOC} now show ${name}`);
  else say(`bench: ${LATEST_RESULTS_DOC} has no <!-- bench:latest:start/end --> markers: its latest results were left as they were`);
}
console.log(markdown);
say(`bench: written bench/results/${name}.md, ${name}.json and ${chartName}`);
