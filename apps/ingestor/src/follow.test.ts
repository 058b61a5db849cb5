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

  /** The count and start time of each round until `limit` rounds ran, each taking `roundMs`. */
  async function paced(options: Parameters<typeof runFollow>[1], limit: number, roundMs = 5) {
    let clock = 0;
    const rounds: { count: number; at: number }[] = [];
    const stop = new AbortController();
    const result = await runFollow(
      {
        ingestRound: async (count, seed) => {
          rounds.push({ count, at: clock });
          clock += roundMs;
          if (rounds.length === limit) stop.abort();
          return summary(count, seed);
        },
        log,
        signal: stop.signal,
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
      },
      options,
    );
    return { rounds, fetched: result.fetched };
  }

  it('with a tick, runs a tick of users per round, paced to the same rate (a stream, not a burst a second)', async () => {
    const stream = await paced({ rate: 1000, roundSize: 1000, tickMs: 100, seed: 's', progressIntervalMs: 0 }, 10);
    // 1,000 users/s as ten rounds of 100, one every 100 ms.
    expect(stream.rounds).toEqual(Array.from({ length: 10 }, (_, i) => ({ count: 100, at: i * 100 })));
    expect(stream.fetched).toBe(1000);
    // Below one user per tick: one user per round, the rounds spaced to the rate (0.5/s: every 2 s).
    const slow = await paced({ rate: 0.5, roundSize: 1000, tickMs: 100, seed: 's', progressIntervalMs: 0 }, 3);
    expect(slow.rounds).toEqual([{ count: 1, at: 0 }, { count: 1, at: 2000 }, { count: 1, at: 4000 }]);
  });

  it('makes the round after a long one larger, keeping the rate, up to roundSize (batches form under load)', async () => {
    // Rounds of 150 ms at 1,000/s with 100 ms ticks: each next round takes what the last one's 150 ms owed.
    const loaded = await paced({ rate: 1000, roundSize: 1000, tickMs: 100, seed: 's', progressIntervalMs: 0 }, 4, 150);
    expect(loaded.rounds).toEqual([{ count: 100, at: 0 }, { count: 150, at: 150 }, { count: 150, at: 300 }, { count: 150, at: 450 }]);
    // At a rate the rounds cannot keep, each round is roundSize, back to back.
    const saturated = await paced({ rate: 50_000, roundSize: 1000, tickMs: 100, seed: 's', progressIntervalMs: 0 }, 3, 150);
    expect(saturated.rounds.map((r) => r.count)).toEqual([1000, 1000, 1000]);
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
