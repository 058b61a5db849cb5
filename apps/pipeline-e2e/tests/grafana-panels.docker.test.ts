import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { COMPOSE_TEST_PORTS, composeFile, composeIngest, describeWithEngine, waitFor } from '@streamline/testing';

interface Panel {
  title: string;
  targets?: Array<{ expr?: string; refId?: string }>;
}

/** Every query of deploy/grafana's dashboard, with its panel's title. */
const dashboardQueries = () => {
  const file = join(dirname(composeFile), 'grafana', 'dashboards', 'streamline.json');
  const panels = (JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] }).panels;
  return panels.flatMap((p) => (p.targets ?? []).filter((t) => t.expr).map((t) => ({ panel: p.title, expr: t.expr! })));
};

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string> }> };
}

/**
 * Grafana cannot be built from the registries this project may use, so its dashboard is checked
 * where it matters: every panel's query, asked of the real Prometheus scraping the compose stack
 * while users flow, is valid and returns series.
 */
describeWithEngine("the Grafana dashboard's queries on the compose stack's Prometheus (docker suite)", () => {
  const prometheus = `http://127.0.0.1:${inject('stackEnv')?.PROMETHEUS_PORT ?? COMPOSE_TEST_PORTS.PROMETHEUS_PORT}`;
  const query = async (expr: string) => {
    const res = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    return (await res.json()) as QueryAnswer;
  };

  it('answers every panel query with at least one series while users flow', async () => {
    const queries = dashboardQueries();
    expect(queries.length, 'queries in the dashboard').toBeGreaterThanOrEqual(10);
    const run = composeIngest('grafana-panels', 1500);
    // Flowing: the writer's stored count rising, as Prometheus scraped it.
    await waitFor(async () => ((await query('sum(rate(streamline_records_out_total{stage="write",outcome="ok"}[1m]))')).data?.result.length ?? 0) > 0, {
      timeoutMs: 180_000,
      intervalMs: 2_000,
      what: "the writer's records in Prometheus",
    });
    const empty: string[] = [];
    for (const { panel, expr } of queries) {
      const first = await query(expr);
      expect(first.status, `${panel}: ${expr} (${first.error ?? ''})`).toBe('success');
      // Series are scraped every 5 s: ask again for a while before calling one empty.
      const hasSeries = async () => ((await query(expr)).data?.result.length ?? 0) > 0;
      await waitFor(hasSeries, { timeoutMs: 60_000, intervalMs: 2_000, what: `${panel}: ${expr}` }).catch(() => empty.push(`${panel}: ${expr}`));
    }
    expect(empty, 'panel queries without series').toEqual([]);
    // The flow panel has a line for each streaming stage, labelled as the dashboard's legend expects.
    const flow = await query('sum by (stage) (rate(streamline_records_out_total{outcome="ok"}[1m]))');
    expect(flow.data?.result.map((r) => r.metric.stage).sort()).toEqual(expect.arrayContaining(['process', 'relay', 'write']));
    expect(await run).toMatchObject({ fetched: 1500, rejected: 0 });
  });
});
