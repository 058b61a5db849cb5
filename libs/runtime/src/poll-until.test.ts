import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollUntil } from './poll-until.js';

afterEach(() => vi.useRealTimers());

describe('pollUntil', () => {
  it('returns the first value that is neither undefined nor false, checking every interval', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const result = pollUntil(() => (++calls >= 3 ? { ready: calls } : calls === 1 ? undefined : false), { timeoutMs: 10_000, intervalMs: 500, what: 'x' });
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(result).resolves.toEqual({ ready: 3 });
    expect(calls).toBe(3);
  });

  it('gives up after the timeout with one line naming what it waited for', async () => {
    vi.useFakeTimers();
    const result = pollUntil(() => false, { timeoutMs: 2_000, intervalMs: 300, what: 'the Spark query to start' });
    const settled = expect(result).rejects.toThrow('timed out after 2 s waiting for the Spark query to start');
    await vi.advanceTimersByTimeAsync(2_000);
    await settled;
  });

  it('ends the wait at the first error unless told to retry errors, then names the last one', async () => {
    await expect(pollUntil(() => Promise.reject(new Error('launcher exited with 1')), { timeoutMs: 60_000, what: 'x' })).rejects.toThrow('launcher exited with 1');

    vi.useFakeTimers();
    let calls = 0;
    const result = pollUntil(
      () => {
        calls++;
        throw new Error(`connection refused (${calls})`);
      },
      { timeoutMs: 1_000, intervalMs: 250, what: 'the broker', retryErrors: true },
    );
    const settled = expect(result).rejects.toThrow(/^timed out after 1 s waiting for the broker: last error connection refused \(5\)$/);
    await vi.advanceTimersByTimeAsync(1_000);
    await settled;
  });

  it('stops early when its signal aborts, with the caller’s own error', async () => {
    const stop = new AbortController();
    const result = pollUntil(() => undefined, { timeoutMs: 600_000, intervalMs: 60_000, what: 'x', signal: stop.signal, onTimeout: () => new Error('no schema for users_created-value') });
    setTimeout(() => stop.abort(), 10);
    await expect(result).rejects.toThrow('no schema for users_created-value');
  });
});
