// npm run chart:check's steps on the real tools (helm and kubeconform built from the Go module proxy,
// the operators' CRDs, the Kubernetes schemas): the chart passes for dev and prod, and the check
// fails on a manifest of the wrong shape and on a template without probes.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackLayout } from '@streamline/config';
import { createReporter } from '../reporter.js';
import { CHART_DIR, VALUES_FILES } from './chart-paths.js';
import { checkChart, readManifests, validateManifests, type ValuesResult } from './check.js';
import { ensureChartToolchain, type ChartToolchain } from './toolchain.js';

const cacheDir = join(loadStackLayout(process.env).cacheDir, 'chart');
const chartDir = resolve(CHART_DIR);
const reporter = createReporter(process.stderr, true);
let toolchain: ChartToolchain;
let results: ValuesResult[];
let scratch: string;

// Each case runs helm or kubeconform: seconds, more on a loaded machine.
const TOOL_TIMEOUT = { timeout: 300_000 };

describe('npm run chart:check', () => {
  beforeAll(async () => {
    // First run on a clean machine: helm and kubeconform compile (minutes on 2 cores); then cached.
    toolchain = await ensureChartToolchain(cacheDir, createReporter());
    scratch = mkdtempSync(join(tmpdir(), 'chart-check-'));
    results = await checkChart({ chartDir, valuesFiles: VALUES_FILES.map((f) => join(chartDir, f)), outDir: join(scratch, 'rendered'), toolchain, reporter });
  }, 3_600_000);
  afterAll(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  it('renders the apps, the operators resources and Airflow for dev and prod, all matching their schemas', () => {
    expect(results.map((r) => r.valuesFile.split('/').at(-1))).toEqual(VALUES_FILES);
    for (const { kinds } of results) {
      expect(kinds).toMatchObject({ Kafka: 1, KafkaNodePool: 2, KafkaTopic: 3, CassandraDatacenter: 1, Cluster: 1, SparkApplication: 1, ScaledObject: 1, ServiceMonitor: 4 });
      // ingestor, relay, writer, monitor, schema registry, 3 Airflow components: one PDB each.
      expect(kinds.Deployment).toBe(8);
      expect(kinds.PodDisruptionBudget).toBe(8);
    }
    const prod = readManifests(results[1]!.manifestFile);
    const topics = prod.filter((m) => m.kind === 'KafkaTopic').map((m) => m.spec);
    expect(topics).toEqual(Array(3).fill(expect.objectContaining({ partitions: 6, replicas: 3, config: { 'min.insync.replicas': 2 } })));
  });

  it('sets only environment variables the apps read', () => {
    const sources = ['libs/config/src', 'apps/ingestor/src', 'apps/relay/src', 'apps/cassandra-writer/src', 'apps/monitor/src'].map((dir) => readAll(dir)).join('\n');
    const names = new Set<string>();
    for (const m of readManifests(results[1]!.manifestFile)) {
      if (m.kind !== 'Deployment' || m.metadata.name.includes('airflow') || m.metadata.name.includes('schema-registry')) continue;
      const pod = (m.spec as { template: { spec: { containers: Array<{ env?: Array<{ name: string }> }> } } }).template.spec;
      for (const c of pod.containers) for (const e of c.env ?? []) names.add(e.name);
    }
    expect(names.size).toBeGreaterThan(15);
    expect([...names].filter((name) => !sources.includes(`'${name}'`))).toEqual([]);
  });

  it('fails on a rendered manifest with a field of the wrong type, naming it', TOOL_TIMEOUT, async () => {
    const broken = join(scratch, 'wrong-type.yaml');
    writeFileSync(broken, readFileSync(results[0]!.manifestFile, 'utf8').replace(/^(\s+)replicas: 1$/m, '$1replicas: "one"'));
    await expect(validateManifests(toolchain, broken)).rejects.toThrow(/replicas/);
  });

  it("fails on a misspelt field of an operator's resource (the CRD schemas are strict)", TOOL_TIMEOUT, async () => {
    const broken = join(scratch, 'misspelt.yaml');
    writeFileSync(broken, readFileSync(results[1]!.manifestFile, 'utf8').replace(/^(\s+)partitions: 6$/m, '$1partitons: 6'));
    await expect(validateManifests(toolchain, broken)).rejects.toThrow(/KafkaTopic.*partitons|partitons/s);
  });

  it('fails on a template that drops the probes', TOOL_TIMEOUT, async () => {
    const copy = join(scratch, 'no-probes');
    cpSync(chartDir, copy, { recursive: true });
    const apps = join(copy, 'templates', 'apps.yaml');
    writeFileSync(apps, readFileSync(apps, 'utf8').replace(/ {10}readinessProbe:[\s\S]*?(?= {10}resources:)/, ''));
    await expect(checkChart({ chartDir: copy, valuesFiles: [join(copy, 'values-dev.yaml')], outDir: join(scratch, 'no-probes-out'), toolchain, reporter })).rejects.toThrow(
      /Deployment\/streamline-relay container relay: no readinessProbe/,
    );
  });
});

function readAll(dir: string): string {
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .map((p) => (statSync(p).isDirectory() ? readAll(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? readFileSync(p, 'utf8') : ''))
    .join('\n');
}
