import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_HTTP_PORTS } from '@streamline/config';

const root = join(import.meta.dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every metric name the apps and libs declare (prom-client `name: '…'`). */
function declaredMetrics(): Set<string> {
  const names = new Set<string>();
  for (const dir of ['apps', 'libs']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts') || entry.parentPath.includes('node_modules')) continue;
      for (const m of readFileSync(join(entry.parentPath, entry.name), 'utf8').matchAll(/name: '(streamline_[a-z_]+)'/g)) names.add(m[1]!);
    }
  }
  return names;
}

describe('deploy/: Prometheus and the Grafana dashboard', () => {
  it("Prometheus scrapes every app's endpoint, by compose service name and its port", () => {
    const config = read('deploy/prometheus/prometheus.yml');
    for (const [app, port] of Object.entries(APP_HTTP_PORTS)) expect(config).toContain(`"${app}:${port}"`);
  });

  it('the dashboard queries only metrics the apps export (a rename breaks this test, not the dashboard)', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/streamline.json')) as { uid: string; panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    const declared = declaredMetrics();
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(streamline_[a-z_]+?)(?:_bucket|_count|_sum)?\b(?=[{[)\s]|$)/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !declared.has(name))).toEqual([]);
    // The flow and the latency, as the monitor shows them.
    expect(exprs.some((e) => e.includes('streamline_records_out_total{outcome="ok"}'))).toBe(true);
    expect(exprs.some((e) => e.startsWith('histogram_quantile(0.99') && e.includes('streamline_end_to_end_latency_seconds_bucket'))).toBe(true);
  });

  it("compose runs Prometheus from the project's image, published on 127.0.0.1 only", () => {
    const compose = read('deploy/docker-compose.yml');
    // Grafana cannot be built from the package registries: the dashboard's queries are checked
    // above against the apps' metrics, and its JSON is kept for users who run Grafana.
    expect(compose).toMatch(/prometheus:\n\s+image: \$\{PROMETHEUS_IMAGE:-streamline\/prometheus:\S+\}\n\s+ports: \["127\.0\.0\.1:/);
    for (const published of compose.matchAll(/^\s+ports: \[(.*)\]$/gm)) {
      for (const port of published[1]!.split(',')) expect(port.trim(), 'a published port').toMatch(/^"127\.0\.0\.1:/);
    }
  });
});
