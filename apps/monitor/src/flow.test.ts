import { describe, expect, it } from 'vitest';
import { createHistory, derive, flowView, type Counts, type Sample } from './flow.js';

const counts = (over: Partial<Counts>): Counts => ({
  fetched: null,
  staged: null,
  refetched: null,
  ingestRejected: null,
  unpublished: null,
  outboxDeadLetters: null,
  published: null,
  processed: null,
  dlqSpark: null,
  dlqWriter: null,
  dlqOther: null,
  stored: null,
  writerDuplicates: null,
  ...over,
});
const sample = (t: number, over: Partial<Counts>, latencyBuckets: Sample['latencyBuckets'] = null): Sample => ({ t, counts: counts(over), groups: {}, latencyBuckets });

describe('derive', () => {
  it('gives each stage its rate over the window', () => {
    const history = [sample(0, { staged: 0, stored: 0 }), sample(5000, { staged: 500, stored: 100 }), sample(10_000, { staged: 1000, stored: 600 })];
    const d = derive(history, { rateMs: 10_000, latencyMs: 60_000 })!;
    expect(d.rates.staged).toBe(100);
    expect(d.rates.stored).toBe(60);
    expect(d.rates.fetched).toBeNull(); // never known
  });

  it('adds the DLQ of every stage into one rate', () => {
    const history = [sample(0, { dlqSpark: 0, dlqWriter: 0 }), sample(2000, { dlqSpark: 4, dlqWriter: 2 })];
    expect(derive(history, { rateMs: 10_000, latencyMs: 60_000 })!.rates.dlq).toBe(3);
  });

  it("takes latency quantiles from the window's observations only", () => {
    const old = [{ le: 1, count: 1000 }, { le: 10, count: 1000 }, { le: Infinity, count: 1000 }];
    const now = [{ le: 1, count: 1000 }, { le: 10, count: 1100 }, { le: Infinity, count: 1100 }];
    const history = [sample(0, {}, old), sample(30_000, {}, old), sample(60_000, {}, now)];
    const { latency } = derive(history, { rateMs: 10_000, latencyMs: 30_000 })!;
    // The 100 new observations are all in (1, 10]: the old fast ones do not pull p50 down.
    expect(latency.count).toBe(100);
    expect(latency.p50).toBeCloseTo(5.5);
  });

  it('gives the latency of users a monitor saw stored in its first window (the compose stack: a chart empty, 1,500 users stored)', () => {
    const zero = [{ le: 1, count: 0 }, { le: 10, count: 0 }, { le: Infinity, count: 0 }];
    const stored = [{ le: 1, count: 0 }, { le: 10, count: 1500 }, { le: Infinity, count: 1500 }];
    // The monitor starts with the pipeline: its first sample is before the writer answers.
    const history = [sample(0, {}), sample(2_000, {}, zero), sample(20_000, {}, stored)];
    const { latency } = derive(history, { rateMs: 10_000, latencyMs: 60_000 })!;
    expect(latency.count).toBe(1500);
    expect(latency.p50).toBeCloseTo(5.5);
  });

  it('counts every observation of a writer started within the window, none of one started before it', () => {
    const buckets = [{ le: 1, count: 40 }, { le: Infinity, count: 40 }];
    const since = (writerStartedAt: number) => ({ ...sample(100_000, {}, buckets), writerStartedAt });
    expect(derive([sample(90_000, {}), since(80_000)], { rateMs: 1, latencyMs: 60_000 })!.latency.count).toBe(40);
    expect(derive([sample(90_000, {}), since(10_000)], { rateMs: 1, latencyMs: 60_000 })!.latency.count).toBe(0);
    // Restarted within the window: the old process's snapshot is not subtracted from the new one's.
    const old = { ...sample(30_000, {}, [{ le: 1, count: 30 }, { le: Infinity, count: 30 }]), writerStartedAt: 10_000 };
    expect(derive([old, since(80_000)], { rateMs: 1, latencyMs: 60_000 })!.latency.count).toBe(40);
  });

  it('has no latency without the histogram, and nothing without samples', () => {
    expect(derive([sample(0, {})], { rateMs: 1, latencyMs: 1 })!.latency).toEqual({ p50: null, p95: null, p99: null, count: 0 });
    // One snapshot only: its counts are since the writer started, not the window's.
    expect(derive([sample(0, {}, [{ le: 1, count: 5 }, { le: Infinity, count: 5 }])], { rateMs: 1, latencyMs: 1 })!.latency.count).toBe(0);
    expect(derive([], { rateMs: 1, latencyMs: 1 })).toBeNull();
  });
});

describe('flowView', () => {
  it('lists the five stages in order with their side counts', () => {
    const latest = sample(0, { fetched: 12, staged: 10, refetched: 2, published: 12, processed: 10, dlqSpark: 2, stored: 10, dlqWriter: 0 });
    const view = flowView(latest, null);
    expect(view.map((s) => [s.stage, s.count])).toEqual([
      ['fetched', 12],
      ['staged', 10],
      ['published', 12],
      ['processed', 10],
      ['stored', 10],
    ]);
    expect(view[3]!.sides).toEqual([{ key: 'dlqSpark', label: 'DLQ (spark)', count: 2 }]);
  });
});

describe('createHistory', () => {
  it('keeps only the last keepMs', () => {
    const h = createHistory<{ t: number }>(1000);
    for (const t of [0, 400, 800, 1200, 1600]) h.push({ t });
    expect(h.all().map((x) => x.t)).toEqual([800, 1200, 1600]);
    expect(h.latest()).toEqual({ t: 1600 });
  });
});
