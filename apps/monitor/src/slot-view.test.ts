import { describe, expect, it } from 'vitest';
import type { OutboxSlotState } from '@streamline/staging';
import { growthPerSecond, slotViews, type SlotSample } from './slot-view.js';

const MiB = 1024 ** 2;
const slot = (over: Partial<OutboxSlotState> = {}): OutboxSlotState => ({ slot: 'streamline_relay', lagBytes: 0, confirmedLsn: '0/1', active: true, records: 0, ...over });

describe('slotViews', () => {
  it('alerts only above the threshold', () => {
    const views = (lagBytes: number) => slotViews([slot({ lagBytes })], [], 60_000, 1024 * MiB);
    expect(views(1024 * MiB)[0]!.alert).toBe(false);
    expect(views(1024 * MiB + 1)[0]!.alert).toBe(true);
    expect(views(0)[0]).toEqual({ slot: 'streamline_relay', active: true, lagBytes: 0, records: 0, growthBytesPerSecond: null, alert: false });
  });

  it('shows nothing when there is no slot (the relay polls)', () => {
    expect(slotViews([], [{ t: 0, slots: {} }], 60_000, MiB)).toEqual([]);
  });

  it('keeps each slot apart, with its own activity and records', () => {
    const views = slotViews([slot({ slot: 'a', lagBytes: 2 * MiB, active: false, records: 40 }), slot({ slot: 'b', lagBytes: 10 })], [], 60_000, MiB);
    expect(views.map((v) => [v.slot, v.active, v.records, v.alert])).toEqual([
      ['a', false, 40, true],
      ['b', true, 0, false],
    ]);
  });
});

describe('growthPerSecond', () => {
  const samples: SlotSample[] = [
    { t: 0, slots: { a: 0 } },
    { t: 30_000, slots: { a: 3 * MiB, b: 100 } },
    { t: 60_000, slots: { a: 6 * MiB, b: 50 } },
    { t: 90_000, slots: { a: 9 * MiB } },
  ];

  it('is the lag gained per second over the window: an inactive slot under writes grows', () => {
    expect(growthPerSecond(samples, 'a', 60_000)).toBeCloseTo((6 * MiB) / 60);
    // A window longer than the history: from the oldest sample kept.
    expect(growthPerSecond(samples, 'a', 600_000)).toBeCloseTo((9 * MiB) / 90);
  });

  it('is negative when the slot drains (a gauge: a drop is no reset), null with one sample or none', () => {
    expect(growthPerSecond(samples.slice(0, 3), 'b', 60_000)).toBeCloseTo(-50 / 30);
    expect(growthPerSecond(samples.slice(0, 2), 'b', 60_000)).toBeNull();
    expect(growthPerSecond(samples, 'gone', 60_000)).toBeNull();
  });
});
