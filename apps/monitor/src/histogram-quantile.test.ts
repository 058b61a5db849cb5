import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '@streamline/runtime';
import { bucketDelta, bucketsOf, histogramQuantile, quantilesBetween, type Bucket } from './histogram-quantile.js';

const b = (...pairs: Array<[number, number]>): Bucket[] => pairs.map(([le, count]) => ({ le, count }));

describe('bucketsOf', () => {
  it('reads the cumulative buckets of a histogram, +Inf last', () => {
    const text = [
      '# TYPE lat histogram',
      'lat_bucket{le="0.5",app="w"} 1',
      'lat_bucket{le="+Inf",app="w"} 4',
      'lat_bucket{le="1",app="w"} 3',
      'lat_sum{app="w"} 5.5',
      'lat_count{app="w"} 4',
      'other_bucket{le="1"} 99',
    ].join('\n');
    expect(bucketsOf(parsePrometheusText(text), 'lat')).toEqual(b([0.5, 1], [1, 3], [Infinity, 4]));
  });
});

describe('histogramQuantile', () => {
  // 10 observations: 2 in (0, 1], 6 in (1, 2], 2 in (2, 5].
  const buckets = b([1, 2], [2, 8], [5, 10], [Infinity, 10]);

  it('interpolates linearly inside the bucket the rank falls in', () => {
    // rank 5 of 10: 3 into the (1, 2] bucket of 6 -> 1.5.
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(1.5);
    // rank 9.5: 1.5 into the (2, 5] bucket of 2 -> 2 + 3 * 0.75.
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(4.25);
  });

  it('interpolates the first bucket from 0', () => {
    expect(histogramQuantile(0.1, buckets)).toBeCloseTo(0.5);
  });

  it('answers the highest finite bound when the rank is in +Inf', () => {
    expect(histogramQuantile(0.99, b([1, 1], [2, 2], [Infinity, 10]))).toBe(2);
  });

  it('is null without observations and refuses a quantile outside 0..1', () => {
    expect(histogramQuantile(0.5, b([1, 0], [Infinity, 0]))).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
    expect(() => histogramQuantile(1.5, buckets)).toThrow(RangeError);
  });
});

describe('bucketDelta', () => {
  it('subtracts an earlier snapshot: the observations of the window', () => {
    expect(bucketDelta(b([1, 5], [Infinity, 9]), b([1, 2], [Infinity, 3]))).toEqual(b([1, 3], [Infinity, 6]));
  });

  it('takes the whole snapshot after a restart (counts went down) or with no earlier one', () => {
    expect(bucketDelta(b([1, 1], [Infinity, 2]), b([1, 5], [Infinity, 9]))).toEqual(b([1, 1], [Infinity, 2]));
    expect(bucketDelta(b([1, 1], [Infinity, 2]), undefined)).toEqual(b([1, 1], [Infinity, 2]));
    expect(bucketDelta(b([1, 1], [Infinity, 2]), b([2, 0], [Infinity, 0]))).toEqual(b([1, 1], [Infinity, 2]));
  });
});

describe('quantilesBetween', () => {
  it('gives p50, p95, p99 and the count of the window only', () => {
    const before = b([1, 100], [2, 100], [5, 100], [Infinity, 100]);
    const now = b([1, 100], [2, 150], [5, 200], [Infinity, 200]);
    const q = quantilesBetween(now, before);
    expect(q.count).toBe(100);
    expect(q.p50).toBeCloseTo(2);
    expect(q.p95).toBeCloseTo(2 + 3 * 0.9);
    expect(q.p99).toBeCloseTo(2 + 3 * 0.98);
  });

  it('is all null for a window without observations', () => {
    const same = b([1, 4], [Infinity, 4]);
    expect(quantilesBetween(same, same)).toEqual({ p50: null, p95: null, p99: null, count: 0 });
  });
});
