/** The suite's results as a dated markdown file, an SVG chart beside it, and the latest-results section of docs/benchmarks.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { HopLatency, Percentiles } from './live-pipeline.js';
import type { Floor } from './server-floors.js';
import type { StageFigures } from './stages.js';

export interface LatencyAtRate {
  /** The job settings of the run: 'default' or the KEY=VALUE list (bench --variants). */
  variant: string;
  offered: number;
  achieved: number;
  latency: HopLatency;
}

export interface FirstImpression {
  what: string;
  /**
   * Which target the case answers: the first users stored within 5 s (fresh, a job variant), p99 <= 1 s
   * (warm), or the default job's fresh stack, the first `npm start` after `stack up`: its p99.
   */
  target: 'first-stored' | 'p99' | 'fresh-p99';
  /** Staging of the first user to its row in Cassandra. */
  firstStoredMs: number;
  latency: HopLatency;
}

/** Per publisher: backlog records/s and p99 staged -> published at the offered rate. */
export interface PeerFigures {
  recordsPerSec: number;
  p99Ms: number;
}
export interface PeerSides {
  relay: PeerFigures;
  relayWal: PeerFigures;
  debezium: PeerFigures;
}

/** Issue 20's goals (round two); a job variant other than the default keeps round one's (≤ 1 s, first stored ≤ 5 s). */
export const GOALS = { cpuRatio: 1.5, p99At1000Ms: 100, p99At5000Ms: 250, freshP99Ms: 1000, peerRatio: 2 } as const;

export interface SuiteResults {
  date: string;
  machine: string[];
  settings: string[];
  floors?: Floor[];
  pipelineFloorUs?: number;
  stages?: StageFigures[];
  endToEnd?: StageFigures & { usersPerS: number; latency: HopLatency };
  latency?: LatencyAtRate[];
  first?: FirstImpression[];
  /** The relay beside Debezium: its own markdown (bench/relay-vs-debezium.bench.ts), and the figures the targets judge. */
  peer?: { markdown: string; sides?: PeerSides };
  notes: string[];
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (p: Percentiles) => `${n0(p.p50)} / ${n0(p.p95)} / ${n0(p.p99)}`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const rate = (f: StageFigures) => (f.users * 1000) / f.window.ms;
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `| ${head.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
const trees = (f: StageFigures) =>
  [...f.window.cpu]
    .filter(([, s]) => s > 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${n0((s * 1e6) / f.users)}`)
    .join(', ');
const peaks = (f: StageFigures) =>
  [...f.window.peakRssMiB]
    .sort((a, b) => b[1] - a[1])
    .map(([name, mib]) => `${name} ${n0(mib)}`)
    .join(', ');

/** The markdown: each table the issue asks for, the chart, what was measured how. */
export function renderMarkdown(r: SuiteResults, chartFile: string): string {
  const out: string[] = [`# Benchmarks ${r.date}`, '', ...r.machine.map((m) => `- ${m}`), '', `![CPU per user against the floor, and latency at offered rates](${chartFile})`, ''];
  if (r.endToEnd && r.pipelineFloorUs) {
    const e = r.endToEnd;
    out.push('## Targets', '');
    const ceiling = (cores(r) * 1e6) / r.pipelineFloorUs;
    const isDefault = (variant: string) => variant === 'default';
    const p99Row = (l: LatencyAtRate): string[] | undefined => {
      const at = `p99 staging → Cassandra at ${n0(l.offered)} users/s offered (${l.variant})`;
      if (l.offered === 1000) return [at, `${n0(l.latency.total.p99)} ms`, isDefault(l.variant) ? `≤ ${n0(GOALS.p99At1000Ms)} ms` : '≤ 1,000 ms'];
      if (l.offered === 5000 && isDefault(l.variant)) return [at, `${n0(l.latency.total.p99)} ms, ${n0(l.achieved)} users/s achieved`, `≤ ${n0(GOALS.p99At5000Ms)} ms, 5,000 achieved`];
      return undefined;
    };
    out.push(
      ...table(['target', 'measured', 'goal'], [
        ['pipeline CPU per user / servers-and-clients floor', `${n0(e.usPerUser)} / ${n0(r.pipelineFloorUs)} µs = **${ratio(e.usPerUser, r.pipelineFloorUs)}**`, `≤ ${GOALS.cpuRatio}×`],
        ['throughput end to end / what the floor allows on these cores', `${n0(e.usersPerS)} / ${n0(ceiling)} users/s = **${(e.usersPerS / ceiling).toFixed(2)}**`, `≥ ${(1 / GOALS.cpuRatio).toFixed(2)}`],
        ...(r.latency ?? []).map(p99Row).filter((row): row is string[] => row !== undefined),
        ...(r.first ?? []).map((f) =>
          f.target === 'p99'
            ? [`p99 staging → Cassandra: ${f.what}`, `${n0(f.latency.total.p99)} ms`, '≤ 1,000 ms']
            : f.target === 'fresh-p99'
              ? [`p99 staging → Cassandra, the first users after stack up: ${f.what}`, `${n0(f.latency.total.p99)} ms (first stored ${n0(f.firstStoredMs)} ms)`, `≤ ${n0(GOALS.freshP99Ms)} ms`]
              : [`first users stored after staging: ${f.what}`, `${n0(f.firstStoredMs)} ms (p99 ${n0(f.latency.total.p99)} ms)`, '≤ 5,000 ms'],
        ),
        ...(r.peer?.sides ? peerRows(r.peer.sides) : []),
      ]),
      '',
    );
  }
  if (r.stages) {
    out.push('## Each stage alone (the others idle)', '');
    out.push(...table(['stage', 'users', 'users/s', 'CPU µs / user', 'floor µs / user', 'ratio', 'CPU µs / user by process tree', 'peak RSS MiB'], r.stages.map((s) => [s.stage, n0(s.users), n0(rate(s)), n0(s.usPerUser), n0(s.floorUs), ratio(s.usPerUser, s.floorUs), trees(s), peaks(s)])), '');
  }
  if (r.endToEnd) {
    const e = r.endToEnd;
    out.push('## End to end (every app at once)', '');
    out.push(...table(['users', 'users/s', 'CPU µs / user', 'floor', 'ratio', 'latency p50 / p95 / p99 ms'], [[n0(e.users), n0(e.usersPerS), n0(e.usPerUser), n0(e.floorUs), ratio(e.usPerUser, e.floorUs), ms(e.latency.total)]]), '');
    out.push(`CPU µs per user by process tree: ${trees(e)}.`, '', `Peak RSS MiB: ${peaks(e)}.`, '');
  }
  if (r.latency) {
    out.push('## Latency at fixed offered rates (ms, p50 / p95 / p99)', '');
    out.push(...table(['job settings', 'offered users/s', 'achieved', 'users', 'staged → stored', 'staged → published', 'published → processed', 'processed → stored'], r.latency.map((l) => [l.variant, n0(l.offered), n0(l.achieved), n0(l.latency.users), ms(l.latency.total), ms(l.latency.published), ms(l.latency.processed), ms(l.latency.stored)])), '');
  }
  if (r.first) {
    out.push('## First impression', '');
    out.push(...table(['case', 'first stored after staging ms', 'users', 'staged → stored p50 / p95 / p99 ms'], r.first.map((f) => [f.what, n0(f.firstStoredMs), n0(f.latency.users), ms(f.latency.total)])), '');
  }
  if (r.peer) {
    out.push('## The relay beside Debezium (same outbox table, same run)', '');
    out.push(r.peer.markdown.trim(), '');
  }
  if (r.floors) {
    out.push('## Floors: each server alone, the least work per user', '');
    out.push(...table(['server', 'work', 'users/s', 'server µs / user', 'client', 'client µs / user'], r.floors.map((f) => [f.server, f.what, n0(f.rate), f.serverUs.toFixed(1), f.client, f.clientUs.toFixed(1)])), '');
  }
  out.push('## Settings and notes', '', ...r.settings.map((s) => `- ${s}`), ...r.notes.map((s) => `- ${s}`), '');
  return out.join('\n');
}

/** The relay (polling, and from the WAL) against Debezium: backlog records/s ratio, and p99 at the offered rate. */
function peerRows({ relay, relayWal, debezium }: PeerSides): string[][] {
  return [
    ['relay / Debezium, backlog records/s (polling; WAL)', `${ratio(relay.recordsPerSec, debezium.recordsPerSec)}; ${ratio(relayWal.recordsPerSec, debezium.recordsPerSec)}`, `≥ ${GOALS.peerRatio}×`],
    ['p99 staged → published at the offered rate: relay (polling; WAL) vs Debezium', `${n0(relay.p99Ms)}; ${n0(relayWal.p99Ms)} vs ${n0(debezium.p99Ms)} ms`, "lower than Debezium's"],
  ];
}

function cores(r: SuiteResults): number {
  return Number(/(\d+) cores/.exec(r.machine.join(' '))?.[1] ?? 2);
}

/** Two panels: CPU per user against the floor per stage; latency percentiles per offered rate. */
export async function renderChart(r: SuiteResults): Promise<string> {
  const cpu = [...(r.stages ?? []), ...(r.endToEnd ? [{ ...r.endToEnd, stage: 'end to end' }] : [])].flatMap((s) => [
    { stage: s.stage, what: 'measured', us: Math.round(s.usPerUser) },
    { stage: s.stage, what: 'floor', us: Math.round(s.floorUs) },
  ]);
  // p99, the target's percentile, one bar per job setting at each offered rate.
  const lat = (r.latency ?? []).map((l) => ({ offered: `${n0(l.offered)}/s`, settings: l.variant, ms: Math.max(1, Math.round(l.latency.total.p99)) }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `streamline bench ${r.date}`,
    hconcat: [
      {
        title: 'CPU µs per user: measured vs floor',
        data: { values: cpu },
        mark: 'bar',
        width: 360,
        height: 220,
        encoding: {
          y: { field: 'stage', type: 'nominal', sort: null, title: null },
          yOffset: { field: 'what' },
          x: { field: 'us', type: 'quantitative', title: 'CPU µs / user' },
          color: { field: 'what', type: 'nominal', title: null },
        },
      },
      {
        title: 'p99 staging → Cassandra (log scale; rules: the 100 ms and 1 s targets)',
        width: 300,
        height: 220,
        layer: [
          {
            data: { values: lat },
            // On a log scale a bar needs a baseline above 0: it starts at 1 ms.
            mark: 'bar',
            encoding: {
              x: { field: 'offered', type: 'nominal', sort: null, title: 'offered rate' },
              xOffset: { field: 'settings', sort: null },
              y: { field: 'ms', type: 'quantitative', scale: { type: 'log', domainMin: 1 }, title: 'ms' },
              y2: { datum: 1 },
              color: { field: 'settings', type: 'nominal', sort: null, title: 'job settings', legend: { labelLimit: 320 } },
            },
          },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1000 } } },
          { mark: { type: 'rule', strokeDash: [2, 2] }, encoding: { y: { datum: GOALS.p99At1000Ms } } },
        ],
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const START = '<!-- bench:latest:start -->';
const END = '<!-- bench:latest:end -->';

/** Where a full run's figures are shown: a marked section of this file (relative to the repository). */
export const LATEST_RESULTS_DOC = 'docs/benchmarks.md';

/**
 * Replaces the marked section of `docPath` (docs/benchmarks.md) with the latest results: the
 * file's targets and its chart. `mdFile` and `chartFile` are relative to the repository `root`;
 * the links are written relative to the document. False when the markers are missing.
 */
export function updateLatestResults(docPath: string, markdown: string, mdFile: string, chartFile: string, root: string): boolean {
  const text = readFileSync(docPath, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const fromDoc = (file: string) => relative(dirname(docPath), join(root, file)).split(sep).join('/');
  // One heading level down: in the document the results sit under its own "## Latest results".
  const body = markdown
    .split('\n')
    .slice(1)
    .join('\n')
    .replace(/^(#{2,5}) /gm, '#$1 ')
    .replace(/\]\((?!http)([^)]+\.svg)\)/, `](${fromDoc(chartFile)})`);
  writeFileSync(docPath, `${text.slice(0, a + START.length)}\n\nLatest run: [${mdFile}](${fromDoc(mdFile)}).\n${body}\n${text.slice(b)}`);
  return true;
}
