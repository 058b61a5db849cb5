// The replication slots on the monitor's own /metrics, so an alerting rule needs no relay to scrape:
// a slot with no relay attached is the one that fills the disk (see slot-view.ts).
import { Gauge, type Registry } from 'prom-client';
import type { SlotView } from './slot-view.js';

/**
 * Gauges per slot, set from the latest tick at each scrape. A slot that is gone (dropped) leaves
 * no series; while the slots cannot be read (PostgreSQL down) there are none either, rather than
 * figures that are no longer true.
 */
export function registerSlotMetrics(registry: Registry, slots: () => SlotView[] | null): void {
  const gauge = (name: string, help: string, value: (s: SlotView) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['slot'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of slots() ?? []) this.set({ slot: s.slot }, value(s));
      },
    });
  gauge('streamline_monitor_slot_lag_bytes', "WAL a WAL relay's replication slot holds back from the server's current position, as PostgreSQL reports it.", (s) => s.lagBytes);
  gauge('streamline_monitor_slot_active', 'A relay is streaming from the replication slot (1) or none is (0).', (s) => (s.active ? 1 : 0));
  gauge('streamline_monitor_slot_lag_alert', 'The replication slot holds back more than MONITOR_SLOT_LAG_ALERT_MB (1) or not (0).', (s) => (s.alert ? 1 : 0));
}
