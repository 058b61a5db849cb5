import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const opts = { minMs: 1000, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles per failure up to the cap', () => {
    const top = (failures: number) => backoffDelay(failures, opts, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(top)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('jitters between half and all of the ceiling', () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(2000);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(3000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(4, opts);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});
