// The words above the latency chart. The chart draws one point per tick (p50/p95/p99 of the users
// stored in the window before it) over the last 15 minutes; the heading gives the latest window's
// figures, and when that window holds none, the latest figures the chart draws, with their time:
// a chart with points never sits under "none stored".
import type { ChartPoint, MonitorState } from './state.js';

export interface LatencyHeading {
  /** The figures named, or null when the chart draws no point either. */
  figures: { p50: number | null; p95: number | null; p99: number | null; count: number; at: number | null } | null;
  text: string;
}

const drawn = (p: ChartPoint) => p.latency.count > 0 && p.latency.p50 !== null;

/** Points of the chart that carry a latency (what uPlot draws). */
export function drawnLatencyPoints(points: readonly ChartPoint[]): number {
  return points.filter(drawn).length;
}

export function latencyHeading(
  latency: MonitorState['latency'],
  points: readonly ChartPoint[],
  windowText: string,
  spanText: string,
  fmt: { seconds: (s: number | null) => string; count: (n: number) => string; clock: (ms: number) => string },
): LatencyHeading {
  const quantiles = (l: { p50: number | null; p95: number | null; p99: number | null }) => `p50 ${fmt.seconds(l.p50)} · p95 ${fmt.seconds(l.p95)} · p99 ${fmt.seconds(l.p99)}`;
  if (latency && latency.count > 0) {
    return { figures: { ...latency, at: null }, text: `${quantiles(latency)} (${fmt.count(latency.count)} users stored in the last ${windowText})` };
  }
  const last = points.findLast(drawn);
  if (!last) return { figures: null, text: `no users stored in the last ${spanText}` };
  return {
    figures: { ...last.latency, at: last.t },
    text: `none stored in the last ${windowText}; at ${fmt.clock(last.t)}: ${quantiles(last.latency)} (${fmt.count(last.latency.count)} users)`,
  };
}
