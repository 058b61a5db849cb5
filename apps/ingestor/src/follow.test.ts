import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@streamline/runtime';
import { runFollow } from './follow.js';
import type { IngestSummary } from './summary.js';

const log = createLogger('test', { level: 'silent' });

function summary(count: number, seed: string, interrupted = false): IngestSummary {
  return { runId: 'r', source: 'generator', seed, requested: count, pages: 1, resultsPerPage: count, fetched: count, staged: count, duplicates: 0, rejected: 0, rejectReasons: [], retries: 0, elapsedMs: 10, rate: 0, interrupted };
}

describe('runFollow', () => {
  it('runs rounds of `rate` users with a seed each, paced to the rate, until stopped; totals them', async () => {
    let clock = 0;
    const seeds: string[] = [];
    const sleeps: number[] = [];
    const stop = new AbortController();
    const result = await runFollow(
      {
        ingestRound: async (count, seed) => {
          seeds.push(seed);
          clock += 250; // each round takes 250 ms
          if (seeds.length === 4) stop.abort();
          return summary(count, seed);
        },
        log,
        signal: stop.signal,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      },
      { rate: 200, roundSize: 1000, seed: 's', progressIntervalMs: 0 },
    );
    expect(seeds).toEqual(['s-0', 's-1', 's-2', 's-3']);
    // 200 users per round at 200/s: a round starts every second, the sleep fills what the round left.
    expect(sleeps).toEqual([750, 750, 750]);
    expect(result).toMatchObject({ fetched: 800, staged: 800, requested: 800, interrupted: false, seed: 's' });
    expect(result.elapsedMs).toBe(3250); // three paced seconds and the last round's 250 ms
  });

  it('caps a round at roundSize and does not burst to catch up after a slow round', async () => {
    let clock = 0;
    const counts: number[] = [];
    const sleeps: number[] = [];
    const stop = new AbortController();
    await runFollow(
      {
        ingestRound: async (count, seed) => {
          counts.push(count);
          clock += counts.length === 1 ? 5000 : 100; // the first round is slow (an outage)
          if (counts.length === 3) stop.abort();
          return summary(count, seed);
        },
        log,
        signal: stop.signal,
        now: () => clock,
        sleep: async (ms) => void sleeps.push(ms, (clock += ms)),
      },
      { rate: 5000, roundSize: 1000, seed: 's', progressIntervalMs: 0 },
    );
    expect(counts).toEqual([1000, 1000, 1000]);
    // 1000 users at 5000/s: 200 ms per round; after the slow one, no zero-wait burst beyond one round.
    expect(sleeps.filter((_, i) => i % 2 === 0)).toEqual([0, 100]);
  });

  it('ends after a round a stop interrupted (what it fetched is staged by the round)', async () => {
    const stop = new AbortController();
    let rounds = 0;
    const result = await runFollow({ ingestRound: async (count, seed) => (rounds++, stop.abort(), summary(count / 2, seed, true)), log, signal: stop.signal }, { rate: 100, roundSize: 1000, seed: 'x', progressIntervalMs: 0 });
    expect(rounds).toBe(1);
    expect(result).toMatchObject({ fetched: 50, interrupted: false });
  });

  it('leaves no abort listener behind per round (a stream runs for hours)', async () => {
    const stop = new AbortController();
    let rounds = 0;
    let listening = -1;
    await runFollow(
      {
        ingestRound: async (count, seed) => {
          if (++rounds === 20) {
            listening = getEventListeners(stop.signal, 'abort').length;
            stop.abort();
          }
          return summary(count, seed);
        },
        log,
        signal: stop.signal,
      },
      { rate: 10_000, roundSize: 10, seed: 's', progressIntervalMs: 0 },
    );
    expect(rounds).toBe(20);
    expect(listening).toBe(0);
  });
});
