import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHealth } from './health.js';
import { registerHealthMetrics } from './health-metrics.js';
import { parsePrometheusText, sumSamples } from './prometheus-text.js';

async function scrape(registry: Registry, name: string): Promise<number> {
  return sumSamples(parsePrometheusText(await registry.metrics()), name, {});
}

describe('health metrics', () => {
  it('follows /healthz at each scrape: stalls counted, ready 1 only when ready', async () => {
    const registry = new Registry();
    const health = createHealth();
    registerHealthMetrics(registry, health);
    expect(await scrape(registry, 'streamline_stalls')).toBe(0);
    expect(await scrape(registry, 'streamline_ready')).toBe(0);

    health.started();
    expect(await scrape(registry, 'streamline_ready')).toBe(1);

    const stall = { at: 'offset 7', since: new Date(0).toISOString(), attempts: 5, reason: 'refused' };
    health.stalled('users_processed[2]', stall);
    health.stalled('users_processed[0]', stall);
    expect(await scrape(registry, 'streamline_stalls')).toBe(2);
    expect(await scrape(registry, 'streamline_ready')).toBe(0);

    health.resumed('users_processed[2]');
    health.resumed('users_processed[0]');
    expect(await scrape(registry, 'streamline_stalls')).toBe(0);
    expect(await scrape(registry, 'streamline_ready')).toBe(1);
  });
});
