import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hopLatency, percentiles } from './live-pipeline.js';
import { LATEST_RESULTS_DOC, renderChart, renderMarkdown, updateLatestResults, type SuiteResults } from './report.js';
import { floorUs, PIPELINE_FLOOR, type Floor } from './server-floors.js';
import type { StageFigures } from './stages.js';

const floors: Floor[] = [
  { work: 'pg-insert', server: 'postgres', what: 'insert', client: 'node-postgres', rate: 50_000, serverUs: 20, clientUs: 4 },
  { work: 'pg-read', server: 'postgres', what: 'read', client: 'node-postgres', rate: 90_000, serverUs: 5, clientUs: 3 },
  { work: 'kafka-produce', server: 'kafka', what: 'produce', client: 'kafkajs producer', rate: 80_000, serverUs: 3, clientUs: 15 },
  { work: 'kafka-consume', server: 'kafka', what: 'consume', client: 'kafkajs consumer', rate: 99_000, serverUs: 2, clientUs: 14 },
  { work: 'cassandra-write', server: 'cassandra', what: 'write', client: 'cassandra-driver', rate: 20_000, serverUs: 48, clientUs: 28 },
];
const stage = (name: string, users: number, cpuS: number, floor: number): StageFigures => ({
  stage: name,
  users,
  window: { ms: 10_000, cpu: new Map([['kafka', cpuS / 2], ['relay', cpuS / 2]]), peakRssMiB: new Map([['relay', 300]]) },
  usPerUser: (cpuS * 1e6) / users,
  floorUs: floor,
});

describe('bench figures', () => {
  it('percentiles take the nearest rank, and hops split staged -> stored', () => {
    expect(percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])).toEqual({ p50: 5, p95: 10, p99: 10 });
    const hop = hopLatency([
      { staged: 0, published: 100, processed: 700, stored: 900 },
      { staged: 0, published: 300, processed: 800, stored: 1200 },
    ]);
    expect(hop.users).toBe(2);
    expect(hop.total).toEqual({ p50: 900, p95: 1200, p99: 1200 });
    expect(hop.published.p50).toBe(100);
    expect(hop.processed.p99).toBe(600);
    expect(hop.stored.p50).toBe(200);
  });

  it('the pipeline floor counts Kafka twice, servers and clients', () => {
    expect(floorUs(floors, PIPELINE_FLOOR)).toBe(24 + 2 * (18 + 16) + 76);
    expect(floorUs(floors, ['kafka-produce', 'kafka-consume'], 'server')).toBe(5);
    expect(() => floorUs(floors.slice(1), ['pg-insert'])).toThrow(/pg-insert was not measured/);
  });

  const results: SuiteResults = {
    date: '2026-12-02',
    machine: ['2 cores (test CPU), 24 GiB, Node v20'],
    settings: ['defaults'],
    floors,
    pipelineFloorUs: 168,
    stages: [stage('relay: PostgreSQL -> Kafka', 10_000, 0.5, 26)],
    endToEnd: { ...stage('end to end', 100_000, 50, 168), usersPerS: 4000, latency: hopLatency([{ staged: 0, published: 10, processed: 400, stored: 500 }]) },
    latency: [
      { variant: 'default', offered: 1000, achieved: 990, latency: hopLatency([{ staged: 0, published: 10, processed: 2000, stored: 2500 }]) },
      { variant: 'default', offered: 5000, achieved: 3800, latency: hopLatency([{ staged: 0, published: 10, processed: 200, stored: 300 }]) },
      { variant: 'SPARK_JOB_MODE=microbatch', offered: 1000, achieved: 990, latency: hopLatency([{ staged: 0, published: 10, processed: 4000, stored: 4500 }]) },
    ],
    first: [
      { what: 'fresh stack (default)', target: 'fresh-p99', firstStoredMs: 1200, latency: hopLatency([{ staged: 0, published: 10, processed: 1000, stored: 1200 }, { staged: 0, published: 10, processed: 2000, stored: 2400 }]) },
      { what: 'fresh stack (SPARK_JOB_MODE=microbatch)', target: 'first-stored', firstStoredMs: 4200, latency: hopLatency([{ staged: 0, published: 10, processed: 4000, stored: 4200 }]) },
    ],
    peer: { markdown: 'peer', sides: { relay: { recordsPerSec: 15000, p99Ms: 80 }, relayWal: { recordsPerSec: 18000, p99Ms: 116 }, debezium: { recordsPerSec: 3000, p99Ms: 1078 } } },
    notes: ['a note'],
  };

  it('the markdown puts each measured figure beside its target', () => {
    const md = renderMarkdown(results, '2026-12-02.svg');
    expect(md).toContain('![CPU per user against the floor, and latency at offered rates](2026-12-02.svg)');
    // 50 CPU-s over 100,000 users = 500 µs against 168: 2.98×.
    expect(md).toContain('| pipeline CPU per user / servers-and-clients floor | 500 / 168 µs = **2.98×** | ≤ 1.5× |');
    // 4,000 users/s against 2 cores / 168 µs = 11,905.
    expect(md).toContain('| throughput end to end / what the floor allows on these cores | 4,000 / 11,905 users/s = **0.34** | ≥ 0.67 |');
    // Round two's goals for the default job; a variant keeps round one's.
    expect(md).toContain('| p99 staging → Cassandra at 1,000 users/s offered (default) | 2,500 ms | ≤ 100 ms |');
    expect(md).toContain('| p99 staging → Cassandra at 5,000 users/s offered (default) | 300 ms, 3,800 users/s achieved | ≤ 250 ms, 5,000 achieved |');
    expect(md).toContain('| p99 staging → Cassandra at 1,000 users/s offered (SPARK_JOB_MODE=microbatch) | 4,500 ms | ≤ 1,000 ms |');
    expect(md).toContain('| p99 staging → Cassandra, the first users after stack up: fresh stack (default) | 2,400 ms (first stored 1,200 ms) | ≤ 1,000 ms |');
    expect(md).toContain('| first users stored after staging: fresh stack (SPARK_JOB_MODE=microbatch) | 4,200 ms (p99 4,200 ms) | ≤ 5,000 ms |');
    expect(md).toContain('| relay / Debezium, backlog records/s (polling; WAL) | 5.00×; 6.00× | ≥ 2× |');
    expect(md).toContain("| p99 staged → published at the offered rate: relay (polling; WAL) vs Debezium | 80; 116 vs 1,078 ms | lower than Debezium's |");
    // The relay stage: 0.5 CPU-s over 10,000 users = 50 µs against a floor of 26.
    expect(md).toContain('| relay: PostgreSQL -> Kafka | 10,000 | 1,000 | 50 | 26 | 1.92× | kafka 25, relay 25 | relay 300 |');
    expect(md).toContain('| 1,000 | 990 | 1 | 2,500 / 2,500 / 2,500 | 10 / 10 / 10 | 1,990 / 1,990 / 1,990 | 500 / 500 / 500 |');
  });

  it('the chart is an SVG with both panels', async () => {
    const svg = await renderChart(results);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('CPU µs per user: measured vs floor');
    expect(svg).toContain('p99 staging → Cassandra (log scale; rules: the 100 ms and 1 s targets)');
    // The p99 bar is drawn with a height (a log-scale bar from 0 once came out 0 px high).
    const bar = /aria-label="offered rate: 1,000\/s; ms: 2500;[^"]*"[^>]*d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)h/.exec(svg);
    expect(Number(bar?.[1])).toBeGreaterThan(10);
  });

  it('the section of docs/benchmarks.md between the markers is replaced, the rest kept, its links relative to docs/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-doc-'));
    mkdirSync(join(dir, 'docs'));
    const file = join(dir, LATEST_RESULTS_DOC);
    writeFileSync(file, 'before\n<!-- bench:latest:start -->\nold figures\n<!-- bench:latest:end -->\nafter\n');
    expect(updateLatestResults(file, renderMarkdown(results, '2026-12-02.svg'), 'bench/results/2026-12-02.md', 'bench/results/2026-12-02.svg', dir)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('old figures');
    expect(text).toMatch(/^before\n<!-- bench:latest:start -->\n/);
    expect(text).toMatch(/<!-- bench:latest:end -->\nafter\n$/);
    expect(text).toContain('(../bench/results/2026-12-02.svg)');
    expect(text).toContain('Latest run: [bench/results/2026-12-02.md](../bench/results/2026-12-02.md).');
    // Under the document's own "## Latest results": the file's sections become level-3 headings.
    expect(text).toContain('\n### Targets\n');
    expect(text).not.toMatch(/^## /m);
  });

  it('a document without the markers is left as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-doc-'));
    const file = join(dir, 'benchmarks.md');
    writeFileSync(file, '# Benchmarks\nno markers here\n');
    expect(updateLatestResults(file, renderMarkdown(results, '2026-12-02.svg'), 'bench/results/2026-12-02.md', 'bench/results/2026-12-02.svg', dir)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('# Benchmarks\nno markers here\n');
  });
});
