// Rates over a sliding window, from counts sampled over time: the flow's records per second.

/** One observation of a count (Kafka end offsets, rows, a Prometheus counter) at time `t` (ms). */
export interface Point {
  t: number;
  v: number;
}

/**
 * How much a count grew over the points, in order. A drop is a reset (a restarted app's counter
 * starts at 0 again), counted as growth from 0 as Prometheus' `increase()` does.
 */
export function increase(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!.v;
    const cur = points[i]!.v;
    sum += cur >= prev ? cur - prev : cur;
  }
  return sum;
}

/**
 * Per-second rate over the last `windowMs` before `now`: the increase between the oldest point in
 * the window (or the last one before it, so a window wider than the spacing always has two) and the
 * newest, divided by the time between them. `null` with fewer than two points.
 */
export function rateOver(points: readonly Point[], windowMs: number, now: number): number | null {
  const from = now - windowMs;
  let start = points.findIndex((p) => p.t >= from);
  if (start === -1) return null;
  if (start > 0 && points[start]!.t > from) start--;
  const window = points.slice(start).filter((p) => p.t <= now);
  if (window.length < 2) return null;
  const seconds = (window.at(-1)!.t - window[0]!.t) / 1000;
  return seconds > 0 ? increase(window) / seconds : null;
}

/** The points of one series out of a history of samples, skipping samples where it was unknown. */
export function seriesOf<S extends { t: number }>(history: readonly S[], value: (sample: S) => number | null | undefined): Point[] {
  const out: Point[] = [];
  for (const s of history) {
    const v = value(s);
    if (v !== null && v !== undefined && Number.isFinite(v)) out.push({ t: s.t, v });
  }
  return out;
}
