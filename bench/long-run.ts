/**
 * The long run: `npm start -- --follow` at a fixed rate for N minutes on the stack's supervised
 * apps, sampling each app's memory (its whole process tree: the launcher with its Spark driver)
 * and CPU, then Ctrl-C; reports whether memory grows, that lag returns to zero and that every user
 * fetched is stored. `npm run bench:long -- --minutes 30 --rate 1000`. Writes
 * bench/results/long-run-<date>.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { parsePrometheusText, sumSamples } from '@streamline/runtime';
import { stackCli, stackStatus } from '@streamline/stack-control';
import { cpuByTree, cpuDelta } from './cpu-usage.js';
import { root, tsx } from './local-run.js';
import { rssByTree } from './memory-usage.js';

const opts = new Command('bench:long')
  .option('--minutes <n>', 'how long to stream', '30')
  .option('--rate <users/s>', 'offered rate', '1000')
  .option('--sample <seconds>', 'sampling interval', '30')
  .parse()
  .opts<{ minutes: string; rate: string; sample: string }>();
const minutes = Number(opts.minutes);
const rate = Number(opts.rate);
const sampleMs = Number(opts.sample) * 1000;
const APPS = ['relay', 'spark-launcher', 'cassandra-writer', 'monitor'];
const say = (line: string) => process.stderr.write(`${line}\n`);

stackCli(['up'], 'inherit');
const status = stackStatus();
const roots = new Map(status.filter((c) => APPS.includes(c.name) && c.pid).map((c) => [c.name, c.pid!]));
const writerUrl = status.find((c) => c.name === 'cassandra-writer')?.url;
const lag = async () => {
  if (!writerUrl) return NaN;
  const text = await (await fetch(`${writerUrl}/metrics`)).text().catch(() => '');
  return sumSamples(parsePrometheusText(text), 'streamline_consumer_lag_records');
};

const out: string[] = [];
const child = spawn(tsx, ['tools/pipeline-runner/src/main.ts', '--follow', '--rate', String(rate), '--source', 'generator', '--timeout', '900'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LOG_LEVEL: 'warn' } });
child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
child.stderr.on('data', (d: Buffer) => out.push(d.toString()));
const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

type Sample = { t: number; rss: Map<string, number>; cpuPct: Map<string, number>; lag: number };
const samples: Sample[] = [];
const started = Date.now();
let lastCpu = cpuByTree(roots);
let lastAt = Date.now();
while (Date.now() - started < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, sampleMs));
  const cpu = cpuByTree(roots);
  const dt = (Date.now() - lastAt) / 1000;
  const delta = cpuDelta(lastCpu, cpu);
  lastCpu = cpu;
  lastAt = Date.now();
  const s: Sample = { t: (Date.now() - started) / 1000, rss: rssByTree(roots), cpuPct: new Map([...delta].map(([k, v]) => [k, (100 * v) / dt])), lag: await lag() };
  samples.push(s);
  say(`long-run ${s.t.toFixed(0)} s: ${[...s.rss].map(([k, v]) => `${k} ${v.toFixed(0)} MiB`).join(', ')}; writer lag ${s.lag}`);
}
process.kill(-child.pid!, 'SIGINT');
const code = await exited;
const text = out.join('');
const lagAfter = await lag();

// Memory growth: the first sample after a 3-minute warm-up against the last.
const warm = samples.find((s) => s.t >= 180) ?? samples[0]!;
const last = samples.at(-1)!;
const rows = APPS.filter((a) => roots.has(a)).map((app) => {
  const series = samples.filter((s) => s.t >= warm.t).map((s) => s.rss.get(app)!);
  const growthPer10 = ((last.rss.get(app)! - warm.rss.get(app)!) / Math.max(1, (last.t - warm.t) / 600));
  const cpu = samples.map((s) => s.cpuPct.get(app)!).reduce((a, b) => a + b, 0) / samples.length;
  return `| ${app} | ${warm.rss.get(app)!.toFixed(0)} | ${last.rss.get(app)!.toFixed(0)} | ${Math.max(...series).toFixed(0)} | ${growthPer10.toFixed(1)} | ${cpu.toFixed(0)} |`;
});
const fetched = /^fetched +(\d+) /m.exec(text)?.[1];
const storedRow = /^stored in Cassandra +(\d+) /m.exec(text)?.[1];
const date = new Date().toISOString().slice(0, 10);
const report = [
  `# Long run ${date}: ${minutes} min at ${rate} users/s offered (npm start -- --follow, the stack's supervised apps)`,
  '',
  `npm start exit ${code}; fetched ${fetched ?? '?'}, stored ${storedRow ?? '?'}; writer lag right after the stop ${lagAfter} records.`,
  '',
  '| app (process tree) | RSS MiB after 3 min | RSS MiB at the end | max | growth MiB per 10 min | CPU % of a core (mean) |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  ...(code === 0 ? [] : ['npm start ended with:', '', '```', ...text.trim().split('\n').slice(-15), '```', '']),
  'Samples (seconds, RSS MiB per app, writer lag):',
  '',
  '```',
  ...samples.map((s) => `${s.t.toFixed(0)}\t${APPS.filter((a) => roots.has(a)).map((a) => s.rss.get(a)!.toFixed(0)).join('\t')}\t${s.lag}`),
  '```',
  '',
].join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const file = join(root, 'bench', 'results', `long-run-${date}.md`);
writeFileSync(file, report);
console.log(report);
say(`long-run: written ${file}`);
process.exit(code === 0 ? 0 : 1);
