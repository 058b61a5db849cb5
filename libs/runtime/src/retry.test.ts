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
