import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHealth } from './health.js';
import { registerHealthMetrics } from './health-metrics.js';
import { parsePrometheusText, sumSamples } from './prometheus-text.js';

async function stalled(registry: Registry): Promise<number> {
  return sumSamples(parsePrometheusText(await registry.metrics()), 'streamline_stalled_items', {});
}

describe('health metrics', () => {
  it('counts the stalls /healthz reports, at each scrape', async () => {
    const registry = new Registry();
    const health = createHealth();
    registerHealthMetrics(registry, health);
    health.started();
    expect(await stalled(registry)).toBe(0);

    const stall = { at: 'offset 7', since: new Date(0).toISOString(), attempts: 5, reason: 'refused' };
    health.stalled('users_processed[2]', stall);
    health.stalled('users_processed[0]', stall);
    expect(await stalled(registry)).toBe(2);
    expect(health.report().status).toBe('degraded');

    health.resumed('users_processed[2]');
    health.resumed('users_processed[0]');
    expect(await stalled(registry)).toBe(0);
    expect(health.report().status).toBe('ready');
  });
});
