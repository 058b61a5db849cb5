// Consumer lag in records and in seconds, per partition and per group.
//
// Seconds are "time to catch up at the recent pace": records behind / records the consumer moved
// through per second over the last window (its committed position, sampled). Chosen over the age
// of the oldest unconsumed message because it needs no fetch of that message (kafkajs has no
// single-message fetch, and Spark's position lives in its checkpoint, not in a group), and because
// it says what an operator asks: how long until this drains. A consumer that is behind but did not
// move during the window has no finite answer: `null`, shown as stalled.
import { rateOver, type Point } from './rates.js';

/** Where one partition stands at one sample: the consumer's next offset and the log end. */
export interface PartitionPosition {
  /** Next offset the consumer will read (its commit; the log start when it committed nothing). */
  position: number;
  end: number;
}

/** A group's partitions at one sample time. */
export interface GroupSnapshot {
  t: number;
  partitions: Record<string, PartitionPosition>;
}

export interface PartitionLag {
  partition: number;
  position: number;
  end: number;
  lag: number;
  /** Records per second the consumer moved through over the window (null: too few samples). */
  consumedPerSecond: number | null;
  /** Seconds to catch up at that pace: 0 when caught up, null when behind and not moving. */
  lagSeconds: number | null;
}

export interface GroupLag {
  total: number;
  consumedPerSecond: number | null;
  lagSeconds: number | null;
  partitions: PartitionLag[];
}

/** Records behind / records per second; 0 when caught up; null when behind and not consuming. */
export function lagSeconds(lagRecords: number, consumedPerSecond: number | null): number | null {
  if (lagRecords <= 0) return 0;
  if (consumedPerSecond === null || consumedPerSecond <= 0) return null;
  return lagRecords / consumedPerSecond;
}

/**
 * The consumer's position on a partition: its committed offset, or, with none yet, where it will
 * start (the log start when it reads from the beginning, else the end).
 */
export function positionOf(committed: number | null, low: number, high: number, fromBeginning = true): number {
  if (committed !== null && committed >= 0) return Math.min(committed, high);
  return fromBeginning ? low : high;
}

/** Lag of the latest snapshot, with rates from the snapshots within `windowMs` before it. */
export function groupLag(history: readonly GroupSnapshot[], windowMs: number): GroupLag | null {
  const latest = history.at(-1);
  if (!latest) return null;
  const partitions = Object.keys(latest.partitions)
    .map(Number)
    .sort((a, b) => a - b)
    .map((partition): PartitionLag => {
      const { position, end } = latest.partitions[partition]!;
      const series: Point[] = [];
      for (const s of history) {
        const p = s.partitions[partition];
        if (p) series.push({ t: s.t, v: p.position });
      }
      const consumedPerSecond = rateOver(series, windowMs, latest.t);
      const lag = Math.max(0, end - position);
      return { partition, position, end, lag, consumedPerSecond, lagSeconds: lagSeconds(lag, consumedPerSecond) };
    });
  const total = partitions.reduce((sum, p) => sum + p.lag, 0);
  const rates = partitions.map((p) => p.consumedPerSecond);
  const consumedPerSecond = rates.some((r) => r === null) ? null : rates.reduce<number>((sum, r) => sum + r!, 0);
  return { total, consumedPerSecond, lagSeconds: lagSeconds(total, consumedPerSecond), partitions };
}
