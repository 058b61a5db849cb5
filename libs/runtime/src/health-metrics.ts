import { Gauge, type Registry } from 'prom-client';
import type { Health } from './health.js';

/**
 * What /healthz says about stalls, as a gauge read at each scrape, so the dashboard and alerts see
 * a stall without polling every app's /healthz: `streamline_stalled_items`, the places (partitions,
 * the outbox) whose records have been retried past the stall bound.
 */
export function registerHealthMetrics(registry: Registry, health: Pick<Health, 'report'>): void {
  new Gauge({
    name: 'streamline_stalled_items',
    help: 'Places (partitions, the outbox) whose records are retried past the stall bound; /healthz says where.',
    registers: [registry],
    collect() {
      this.set(Object.keys(health.report().stalls ?? {}).length);
    },
  });
}
