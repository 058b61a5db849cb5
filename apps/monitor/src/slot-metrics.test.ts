import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '@streamline/runtime';
import { registerSlotMetrics } from './slot-metrics.js';
import type { SlotView } from './slot-view.js';

const MiB = 1024 ** 2;

describe('registerSlotMetrics', () => {
  const view = (over: Partial<SlotView>): SlotView => ({ slot: 'streamline_relay', active: true, lagBytes: 0, records: 0, growthBytesPerSecond: null, alert: false, ...over });
  const scrape = async (registry: Registry) => parsePrometheusText(await registry.metrics()).filter((s) => s.name.startsWith('streamline_monitor_slot_'));

  it('exports each slot lag, activity and alert from the latest tick; a dropped slot or unread slots leave no series', async () => {
    const registry = new Registry();
    let slots: SlotView[] | null = [view({ lagBytes: 2 * MiB, active: false, alert: true }), view({ slot: 'other', lagBytes: 10 })];
    registerSlotMetrics(registry, () => slots);
    const values = async () => Object.fromEntries((await scrape(registry)).map((s) => [`${s.name}{${s.labels.slot}}`, s.value]));
    expect(await values()).toEqual({
      'streamline_monitor_slot_lag_bytes{streamline_relay}': 2 * MiB,
      'streamline_monitor_slot_lag_bytes{other}': 10,
      'streamline_monitor_slot_active{streamline_relay}': 0,
      'streamline_monitor_slot_active{other}': 1,
      'streamline_monitor_slot_lag_alert{streamline_relay}': 1,
      'streamline_monitor_slot_lag_alert{other}': 0,
    });
    slots = [view({ slot: 'other', lagBytes: 20 })];
    expect(await values()).toEqual({
      'streamline_monitor_slot_lag_bytes{other}': 20,
      'streamline_monitor_slot_active{other}': 1,
      'streamline_monitor_slot_lag_alert{other}': 0,
    });
    slots = null;
    expect(await values()).toEqual({});
  });
});
