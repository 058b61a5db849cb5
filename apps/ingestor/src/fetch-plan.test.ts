import { describe, expect, it } from 'vitest';
import { planPages } from './fetch-plan.js';

describe('planPages', () => {
  it('fetches one page when the count fits', () => {
    expect(planPages({ count: 500, batchSize: 1000 })).toEqual({ resultsPerPage: 500, pages: [{ page: 1, take: 500 }] });
  });

  it('uses the batch size as page size by default and cuts the last page', () => {
    const plan = planPages({ count: 2500, batchSize: 1000 });
    expect(plan.resultsPerPage).toBe(1000);
    expect(plan.pages).toEqual([
      { page: 1, take: 1000 },
      { page: 2, take: 1000 },
      { page: 3, take: 500 },
    ]);
  });

  it('never asks for more than 5000 per request', () => {
    const plan = planPages({ count: 12_000, batchSize: 20_000 });
    expect(plan.resultsPerPage).toBe(5000);
    expect(plan.pages.map((p) => p.take)).toEqual([5000, 5000, 2000]);
  });

  it('takes an explicit page size, and the takes always add up to the count', () => {
    const plan = planPages({ count: 1001, batchSize: 1000, resultsPerPage: 100 });
    expect(plan.resultsPerPage).toBe(100);
    expect(plan.pages).toHaveLength(11);
    expect(plan.pages.at(-1)).toEqual({ page: 11, take: 1 });
    expect(plan.pages.reduce((n, p) => n + p.take, 0)).toBe(1001);
    expect(planPages({ count: 3, batchSize: 1000, resultsPerPage: 5000 }).resultsPerPage).toBe(3);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => planPages({ count: 0, batchSize: 10 })).toThrow(/count must be a positive integer, got 0/);
    expect(() => planPages({ count: 10, batchSize: 10, resultsPerPage: 1.5 })).toThrow(/resultsPerPage/);
  });
});
