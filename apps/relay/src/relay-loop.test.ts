import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '@streamline/runtime';
import { claimOutboxBatch, type ClaimResult } from '@streamline/staging';
import { runRelay, type RelayDeps } from './relay.js';

vi.mock('@streamline/staging', async (actual) => ({ ...(await actual<typeof import('@streamline/staging')>()), claimOutboxBatch: vi.fn() }));

/** runRelay over a scripted sequence of claims; returns what happened, in order. */
async function loop(claims: number[], options: { batchSize: number; once?: boolean }): Promise<string[]> {
  const events: string[] = [];
  const stop = new AbortController();
  let next = 0;
  vi.mocked(claimOutboxBatch).mockImplementation(async (): Promise<ClaimResult> => {
    const claimed = claims[next++] ?? 0;
    events.push(`claim ${claimed}`);
    if (next >= claims.length && !options.once) stop.abort();
    return { claimed, published: claimed, setAside: [] };
  });
  const deps = {
    pool: {},
    wakeup: { wait: async () => (events.push('wait'), 'notified' as const) },
    pollIntervalMs: 1000,
    log: createLogger('test', { level: 'silent' }),
    signal: stop.signal,
    retry: async (_what: string, run: () => Promise<unknown>) => run(),
    batchSize: options.batchSize,
    once: options.once,
  } as unknown as RelayDeps;
  await runRelay(deps);
  return events;
}

describe('runRelay', () => {
  it('claims again at once after a full batch, and waits for a NOTIFY after a round short of one', async () => {
    // 10 (full), 4 (short: all it could see), then the next NOTIFY's 3 (short again: it waits, and is stopped).
    expect(await loop([10, 4, 3], { batchSize: 10 })).toEqual(['claim 10', 'claim 4', 'wait', 'claim 3', 'wait']);
  });

  it('with --once, drains until a claim finds nothing, then returns', async () => {
    expect(await loop([10, 4, 0], { batchSize: 10, once: true })).toEqual(['claim 10', 'claim 4', 'claim 0']);
  });
});
