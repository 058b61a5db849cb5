import { describe, expect, it } from 'vitest';
import { drawnLatencyPoints, latencyHeading } from './latency-heading.js';
import type { ChartPoint } from './state.js';

const fmt = { seconds: (s: number | null) => `${s}s`, count: (n: number) => String(n), clock: (ms: number) => `t${ms}` };
const none = { p50: null, p95: null, p99: null, count: 0 };
const point = (t: number, latency: ChartPoint['latency']): ChartPoint => ({
  t,
  rates: { fetched: null, staged: null, published: null, processed: null, stored: null, dlq: null },
  latency,
  lag: {},
});

describe('latency heading', () => {
  it("names the latest window's figures", () => {
    const h = latencyHeading({ p50: 1, p95: 2, p99: 3, count: 300 }, [point(1, { p50: 1, p95: 2, p99: 3, count: 300 })], '1 min', '15 min', fmt);
    expect(h.text).toBe('p50 1s · p95 2s · p99 3s (300 users stored in the last 1 min)');
    expect(h.figures).toMatchObject({ count: 300, at: null });
  });

  it('names the figures the chart draws last when the latest window holds none', () => {
    const points = [point(1, none), point(2, { p50: 0.5, p95: 0.9, p99: 1, count: 3000 }), point(3, none)];
    const h = latencyHeading(none, points, '1 min', '15 min', fmt);
    expect(h.text).toBe('none stored in the last 1 min; at t2: p50 0.5s · p95 0.9s · p99 1s (3000 users)');
    expect(h.figures).toMatchObject({ count: 3000, at: 2 });
    expect(drawnLatencyPoints(points)).toBe(1);
  });

  it('says none were stored over the chart only when it draws no point', () => {
    const h = latencyHeading(null, [point(1, none)], '1 min', '15 min', fmt);
    expect(h).toEqual({ figures: null, text: 'no users stored in the last 15 min' });
    expect(drawnLatencyPoints([point(1, none)])).toBe(0);
  });
});
