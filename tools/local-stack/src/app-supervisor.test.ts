import { describe, expect, it } from 'vitest';
import { createLogger } from '@streamline/runtime';
import { superviseApp, type SupervisedChild } from './app-supervisor.js';

const log = createLogger('test', { level: 'silent' });

/** Children that exit with the given codes in turn; the last one runs until stopped. */
function fakeChildren(codes: Array<number | null>) {
  const started: number[] = [];
  const stopped: number[] = [];
  let n = 0;
  const start = (): SupervisedChild => {
    const pid = ++n;
    started.push(pid);
    const code = codes.shift();
    let resolve!: (code: number | null) => void;
    const exited = new Promise<number | null>((r) => (resolve = r));
    if (code !== undefined) queueMicrotask(() => resolve(code));
    return { pid, exited, stop: () => (stopped.push(pid), resolve(0)) };
  };
  return { start, started, stopped };
}

describe('superviseApp', () => {
  it('restarts a crashed app with growing, capped delays, and on abort stops the running one and returns 0', async () => {
    const children = fakeChildren([1, null, 1]);
    const delays: number[] = [];
    const stop = new AbortController();
    const done = superviseApp(
      { name: 'relay', start: children.start, log, backoff: { minMs: 100, maxMs: 300 }, stableAfterMs: 60_000, now: () => 0, sleep: async (ms) => void delays.push(ms) },
      stop.signal,
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(children.started).toEqual([1, 2, 3, 4]);
    // Equal jitter: each delay is between half and all of min * 2^(n-1), capped at max.
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[2]).toBeGreaterThanOrEqual(150);
    expect(delays[2]).toBeLessThanOrEqual(300);
    stop.abort();
    expect(await done).toBe(0);
    expect(children.stopped).toEqual([4]);
  });

  it('does not restart an app that refused its config (exit 2), and returns that code', async () => {
    const children = fakeChildren([2]);
    expect(await superviseApp({ name: 'relay', start: children.start, log, backoff: { minMs: 1, maxMs: 1 }, stableAfterMs: 1 }, new AbortController().signal)).toBe(2);
    expect(children.started).toEqual([1]);
  });

  it('starts the backoff over after a run that lasted', async () => {
    const children = fakeChildren([1, 1]);
    let clock = 0;
    const delays: number[] = [];
    const stop = new AbortController();
    const done = superviseApp(
      // Each child "runs" 10 s by the clock: longer than stableAfterMs, so every failure is the first.
      { name: 'w', start: () => ((clock += 10_000), children.start()), log, backoff: { minMs: 1000, maxMs: 60_000 }, stableAfterMs: 5_000, now: () => clock, sleep: async (ms) => void delays.push(ms) },
      stop.signal,
    );
    await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await done;
    expect(delays.every((d) => d >= 500 && d <= 1000)).toBe(true);
  });
});
