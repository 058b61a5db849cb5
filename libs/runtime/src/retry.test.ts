import { describe, expect, it } from 'vitest';
import { StreamlineError } from './errors.js';
import { withRetry } from './retry.js';

const fast = { minDelayMs: 1, maxDelayMs: 2 };

describe('withRetry', () => {
  it('retries a retriable failure until it succeeds', async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw new StreamlineError('busy', { retriable: true });
      return 'ok';
    }, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('fails at once on a non-retriable error, keeping it', async () => {
    let calls = 0;
    const bad = new StreamlineError('bad input');
    await expect(
      withRetry(async () => {
        calls++;
        throw bad;
      }, fast),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('never retries programming errors', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new TypeError('x is undefined');
      }, fast),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('gives up after the retry limit with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new StreamlineError(`attempt ${calls}`, { retriable: true });
      }, { ...fast, retries: 2 }),
    ).rejects.toThrow('attempt 3');
    expect(calls).toBe(3);
  });
});

describe('withRetry minDelayFor (e.g. Retry-After)', () => {
  it('waits at least what the error asks before the next attempt, and reports that wait', async () => {
    const starts: number[] = [];
    const delays: number[] = [];
    await withRetry(
      async () => {
        starts.push(Date.now());
        if (starts.length === 1) throw new StreamlineError('slow down', { retriable: true });
      },
      { ...fast, minDelayFor: () => 150, onRetry: (_e, _a, delayMs) => delays.push(delayMs) },
    );
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(145);
    expect(delays).toEqual([150]);
  });

  it('keeps the backoff when the error asks for nothing', async () => {
    const delays: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 3) throw new StreamlineError('busy', { retriable: true });
      },
      { minDelayMs: 5, maxDelayMs: 50, minDelayFor: () => undefined, onRetry: (_e, _a, delayMs) => delays.push(delayMs) },
    );
    expect(delays).toEqual([5, 10]);
  });
});
