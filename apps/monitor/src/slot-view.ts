// The WAL relay's replication slots as the page and the monitor's metrics show them: each slot's
// lag, how fast it grew lately, and whether it passed the alert threshold.
//
// Read from PostgreSQL (pg_replication_slots), not from the relay's own gauge on its /metrics: a
// slot nobody reads is exactly the one that fills the disk, and then there is no relay to scrape.
// PostgreSQL answers for the slot whether or not a relay is attached (and for one left behind after
// a switch to poll mode).
import type { OutboxSlotState } from '@streamline/staging';

export interface SlotView {
  slot: string;
  /** A relay is streaming from it (pg_replication_slots.active). */
  active: boolean;
  /** WAL it holds back from the server's current position, in bytes. */
  lagBytes: number;
  /** Outbox rows past its confirmed seq not published yet. */
  records: number;
  /** How fast the lag grew over the window, bytes per second (negative: draining; null: one sample only). */
  growthBytesPerSecond: number | null;
  /** The lag is above the alert threshold (MONITOR_SLOT_LAG_ALERT_MB). */
  alert: boolean;
}

/** One tick's slot lags: slot -> bytes. */
export interface SlotSample {
  t: number;
  slots: Record<string, number>;
}

/**
 * The lag's change per second between the newest sample and the newest one at or before the
 * window's start (the oldest kept when none is that old). A gauge, not a counter: a drop is the
 * relay catching up, not a reset.
 */
export function growthPerSecond(samples: readonly SlotSample[], slot: string, windowMs: number): number | null {
  const known = samples.filter((s) => s.slots[slot] !== undefined);
  const latest = known.at(-1);
  if (!latest) return null;
  const from = latest.t - windowMs;
  const start = known.findLast((s) => s.t <= from) ?? known[0]!;
  const seconds = (latest.t - start.t) / 1000;
  return seconds > 0 ? (latest.slots[slot]! - start.slots[slot]!) / seconds : null;
}

/** The slots as of the latest read, their growth over `windowMs` of `samples` (which end with that read). */
export function slotViews(slots: readonly OutboxSlotState[], samples: readonly SlotSample[], windowMs: number, alertBytes: number): SlotView[] {
  return slots.map((s) => ({
    slot: s.slot,
    active: s.active,
    lagBytes: s.lagBytes,
    records: s.records,
    growthBytesPerSecond: growthPerSecond(samples, s.slot, windowMs),
    alert: s.lagBytes > alertBytes,
  }));
}
