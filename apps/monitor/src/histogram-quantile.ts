// Percentiles from a Prometheus histogram (cumulative `le` buckets), the way PromQL's
// histogram_quantile() computes them, over the observations of a time window.
import { promNumber, type Sample } from '@streamline/runtime';

/** One cumulative bucket: how many observations were <= `le` (the last one is +Inf). */
export interface Bucket {
  le: number;
  count: number;
}

/** The `<name>_bucket` samples (summed over other labels), sorted by bound; empty when absent. */
export function bucketsOf(samples: readonly Sample[], name: string): Bucket[] {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    const le = promNumber(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The observations between two snapshots of the same histogram (`now` minus `before`). A count
 * that went down means the app restarted: then everything in `now` is new. Bounds that differ
 * (another version of the app) count as a restart too.
 */
export function bucketDelta(now: readonly Bucket[], before: readonly Bucket[] | undefined): Bucket[] {
  if (!before || before.length !== now.length || before.some((b, i) => b.le !== now[i]!.le)) return now.map((b) => ({ ...b }));
  const total = (bs: readonly Bucket[]) => bs.at(-1)?.count ?? 0;
  if (total(now) < total(before) || now.some((b, i) => b.count < before[i]!.count)) return now.map((b) => ({ ...b }));
  return now.map((b, i) => ({ le: b.le, count: b.count - before[i]!.count }));
}

/**
 * The q-quantile (0..1) of cumulative buckets, interpolated linearly inside the bucket it falls in
 * (the first bucket from 0). A quantile in the +Inf bucket answers the highest finite bound, as
 * Prometheus does. `null` without observations.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not between 0 and 1`);
  const total = buckets.at(-1)?.count ?? 0;
  if (buckets.length === 0 || total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (b.count < rank) continue;
    if (b.le === Infinity) return buckets.length > 1 ? buckets[i - 1]!.le : null;
    const lowerBound = i === 0 ? 0 : buckets[i - 1]!.le;
    const lowerCount = i === 0 ? 0 : buckets[i - 1]!.count;
    const inBucket = b.count - lowerCount;
    return inBucket <= 0 ? b.le : lowerBound + (b.le - lowerBound) * ((rank - lowerCount) / inBucket);
  }
  return buckets.at(-1)!.le;
}

export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Observations the quantiles are computed from. */
  count: number;
}

/** p50, p95 and p99 of the observations between two snapshots. */
export function quantilesBetween(now: readonly Bucket[], before: readonly Bucket[] | undefined): Quantiles {
  const delta = bucketDelta(now, before);
  return {
    p50: histogramQuantile(0.5, delta),
    p95: histogramQuantile(0.95, delta),
    p99: histogramQuantile(0.99, delta),
    count: delta.at(-1)?.count ?? 0,
  };
}
