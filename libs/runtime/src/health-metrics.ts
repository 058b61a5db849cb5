import { Gauge, type Registry } from 'prom-client';
import type { Health } from './health.js';

/**
 * What /healthz says, as gauges read at each scrape, so a dashboard and alerts see a stall or a
 * dependency down without polling every app's /healthz: `streamline_stalls` (work held past its
 * stall bound, e.g. partitions) and `streamline_ready` (1 ready, 0 otherwise).
 */
export function registerHealthMetrics(registry: Registry, health: Pick<Health, 'report'>): void {
  new Gauge({
    name: 'streamline_stalls',
    help: 'Work retried on the same records past its stall bound (e.g. partitions, the outbox); see /healthz for where.',
    registers: [registry],
    collect() {
      this.set(Object.keys(health.report().stalls ?? {}).length);
    },
  });
  new Gauge({
    name: 'streamline_ready',
    help: '1 when /healthz says ready, 0 when starting, degraded or stopping.',
    registers: [registry],
    collect() {
      this.set(health.report().ready ? 1 : 0);
    },
  });
}
