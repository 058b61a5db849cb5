import { describe, expect, it } from 'vitest';
import { createRestartPolicy } from './restart-policy.js';

const policy = (extra: { maxRestarts?: number; fatalCodes?: number[] } = {}) =>
  createRestartPolicy({ backoff: { minMs: 100, maxMs: 1_000 }, stableAfterMs: 60_000, random: () => 1, ...extra });

describe('createRestartPolicy', () => {
  it('backs off exponentially, capped, and starts over after a stable run', () => {
    const p = policy();
    expect([1, 2, 3, 4, 5].map(() => p.afterExit(1, 10))).toEqual([100, 200, 400, 800, 1000].map((delayMs, i) => ({ kind: 'restart', delayMs, failures: i + 1 })));
    expect(p.afterExit(1, 60_000)).toEqual({ kind: 'restart', delayMs: 100, failures: 1 });
    expect(p.afterExit(null, 5)).toEqual({ kind: 'restart', delayMs: 200, failures: 2 });
  });

  it('counts failed starts with the exits', () => {
    const p = policy();
    expect(p.afterFailedStart()).toMatchObject({ failures: 1, delayMs: 100 });
    expect(p.afterExit(1, 10)).toMatchObject({ failures: 2, delayMs: 200 });
  });

  it('never restarts a fatal exit code (2 by default)', () => {
    expect(policy().afterExit(2, 10)).toEqual({ kind: 'fatal', code: 2 });
    expect(policy({ fatalCodes: [78] }).afterExit(2, 10)).toMatchObject({ kind: 'restart' });
  });

  it('gives up after maxRestarts failures in a row, and never without one', () => {
    const p = policy({ maxRestarts: 2 });
    expect(p.afterExit(1, 10).kind).toBe('restart');
    expect(p.afterExit(1, 10).kind).toBe('restart');
    expect(p.afterExit(1, 10)).toEqual({ kind: 'give-up', failures: 3 });
    const forever = policy();
    for (let i = 0; i < 100; i++) expect(forever.afterExit(1, 10).kind).toBe('restart');
  });
});
