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

  it('compose runs both under the metrics profile, Grafana view-only without a login', () => {
    const compose = read('deploy/docker-compose.yml');
    expect(compose).toMatch(/prometheus:\n\s+image: prom\/prometheus:\S+\n\s+profiles: \["metrics"\]/);
    expect(compose).toMatch(/grafana:\n\s+image: grafana\/grafana:\S+\n\s+profiles: \["metrics"\]/);
    expect(compose).toContain('GF_AUTH_DISABLE_LOGIN_FORM: "true"');
    expect(compose).toContain('STREAMLINE_HTTP_HOST: 0.0.0.0');
  });
});
