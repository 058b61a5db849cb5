import { describe, expect, it } from 'vitest';
import { createWriterMetrics } from './writer-metrics.js';

describe('writer metrics', () => {
  it('counts rounds and reports stored_at - staged_at percentiles', () => {
    let clock = 10_100;
    const metrics = createWriterMetrics(() => clock);
    expect(metrics.stats()).toMatchObject({ written: 0, rowsPerSecond: 0, latencyMs: { count: 0, p50: 0, p99: 0 } });
    const storedAt = 10_000;
    // latencies 1..100 ms
    const users = Array.from({ length: 100 }, (_, i) => ({ staged_at: storedAt - (i + 1) }));
    metrics.recordRound({ messages: 103, users, duplicates: 1, dlq: 2 }, storedAt);
    clock = 12_020;
    metrics.recordRound({ messages: 1, users: [{ staged_at: 12_050 }], duplicates: 0, dlq: 0 }, 12_000); // clock skew: 0 ms
    clock = 99_000; // idle time does not lower the rate
    const stats = metrics.stats();
    expect(stats).toMatchObject({ consumed: 104, written: 101, duplicates: 1, dlq: 2, rounds: 2, rowsPerSecond: 50 });
    expect(stats.latencyMs.count).toBe(101);
    expect(stats.latencyMs.p50).toBe(50);
    expect(stats.latencyMs.p99).toBe(99);
    expect(stats.latencyMs.max).toBe(100);
  });
});
