import { describe, expect, it } from 'vitest';
import { increase, rateOver, seriesOf } from './rates.js';

const pts = (...pairs: Array<[number, number]>) => pairs.map(([t, v]) => ({ t, v }));

describe('increase', () => {
  it('adds the growth between points', () => {
    expect(increase(pts([0, 10], [1000, 15], [2000, 30]))).toBe(20);
  });

  it('counts a drop as a reset from 0 (a restarted app)', () => {
    expect(increase(pts([0, 100], [1000, 120], [2000, 5], [3000, 9]))).toBe(20 + 5 + 4);
  });

  it('is 0 for one point or none', () => {
    expect(increase([])).toBe(0);
    expect(increase(pts([0, 7]))).toBe(0);
  });
});

describe('rateOver', () => {
  const series = pts([0, 0], [2000, 100], [4000, 300], [6000, 600], [8000, 600]);

  it('divides the increase in the window by the time it spans', () => {
    // Window [4000, 8000]: 300 -> 600 over 4 s.
    expect(rateOver(series, 4000, 8000)).toBe(75);
  });

  it('takes the point just before the window when none sits on its edge', () => {
    // Window [5000, 8000]: starts from the point at 4000 (300) -> 600 over 4 s.
    expect(rateOver(series, 3000, 8000)).toBe(75);
  });

  it('is 0 when the count did not move, null without two points', () => {
    expect(rateOver(pts([0, 5], [2000, 5]), 10_000, 2000)).toBe(0);
    expect(rateOver(pts([0, 5]), 10_000, 2000)).toBeNull();
    expect(rateOver([], 10_000, 2000)).toBeNull();
  });

  it('ignores points after now', () => {
    expect(rateOver(series, 4000, 4000)).toBe(75);
  });

  it('survives a reset inside the window', () => {
    expect(rateOver(pts([0, 1000], [1000, 1010], [2000, 10]), 2000, 2000)).toBe(10);
  });
});

describe('seriesOf', () => {
  it('picks one value per sample and skips unknown ones', () => {
    const history = [{ t: 1, n: 3 }, { t: 2, n: null }, { t: 3, n: 5 }];
    expect(seriesOf(history, (s) => s.n)).toEqual(pts([1, 3], [3, 5]));
  });
});
