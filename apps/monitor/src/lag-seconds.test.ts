import { describe, expect, it } from 'vitest';
import { groupLag, lagSeconds, positionOf, type GroupSnapshot } from './lag-seconds.js';

describe('lagSeconds', () => {
  it('is records behind over records consumed per second', () => {
    expect(lagSeconds(600, 200)).toBe(3);
  });

  it('is 0 when caught up, whatever the rate', () => {
    expect(lagSeconds(0, 0)).toBe(0);
    expect(lagSeconds(0, null)).toBe(0);
  });

  it('is null when behind and not moving (stalled) or the rate is unknown', () => {
    expect(lagSeconds(5, 0)).toBeNull();
    expect(lagSeconds(5, null)).toBeNull();
  });
});

describe('positionOf', () => {
  it('is the committed offset, capped at the end', () => {
    expect(positionOf(40, 0, 100)).toBe(40);
    expect(positionOf(120, 0, 100)).toBe(100);
  });

  it('is the log start (from the beginning) or the end without a commit', () => {
    expect(positionOf(-1, 10, 100)).toBe(10);
    expect(positionOf(null, 10, 100, false)).toBe(100);
  });
});

describe('groupLag', () => {
  const snap = (t: number, p0: [number, number], p1: [number, number]): GroupSnapshot => ({
    t,
    partitions: { '0': { position: p0[0], end: p0[1] }, '1': { position: p1[0], end: p1[1] } },
  });

  it('gives lag per partition and in total, in records and seconds at the recent pace', () => {
    // Partition 0 moves 100/s and is 300 behind; partition 1 is caught up.
    const history = [snap(0, [0, 500], [50, 50]), snap(1000, [100, 500], [50, 50]), snap(2000, [200, 500], [50, 50])];
    const lag = groupLag(history, 10_000)!;
    expect(lag.partitions).toEqual([
      { partition: 0, position: 200, end: 500, lag: 300, consumedPerSecond: 100, lagSeconds: 3 },
      { partition: 1, position: 50, end: 50, lag: 0, consumedPerSecond: 0, lagSeconds: 0 },
    ]);
    expect(lag.total).toBe(300);
    expect(lag.consumedPerSecond).toBe(100);
    expect(lag.lagSeconds).toBe(3);
  });

  it('uses only the window: an old burst does not hide a stall', () => {
    const history = [snap(0, [0, 1000], [0, 0]), snap(1000, [900, 1000], [0, 0]), snap(61_000, [900, 1000], [0, 0]), snap(62_000, [900, 1000], [0, 0])];
    const p0 = groupLag(history, 30_000)!.partitions[0]!;
    expect(p0.lag).toBe(100);
    expect(p0.consumedPerSecond).toBe(0);
    expect(p0.lagSeconds).toBeNull();
  });

  it('has no rate from one snapshot, but still the lag', () => {
    const lag = groupLag([snap(0, [10, 30], [0, 0])], 10_000)!;
    expect(lag.total).toBe(20);
    expect(lag.partitions[0]!.consumedPerSecond).toBeNull();
    expect(lag.lagSeconds).toBeNull();
    expect(groupLag([], 10_000)).toBeNull();
  });
});
