import { describe, expect, it } from 'vitest';
import { silentLogger } from '@streamline/runtime';
import type { PageRequest } from './api-client.js';
import { corruptRecord, isCorruptRecord, parseFaultSpec } from './generator/faults.js';
import { generatePage } from './generator/generate-users.js';
import { type IngestOptions, runIngest } from './ingest.js';
import type { StageItem } from './stage-batch.js';

const log = silentLogger();
const base: IngestOptions = {
  count: 250,
  batchSize: 100,
  concurrency: 3,
  maxInFlightBatches: 2,
  resultsPerPage: 50,
  seed: 'unit',
  source: 'generator',
  runId: 'run-unit',
  progressIntervalMs: 0,
};

/** A fake source: the generator, called directly (no HTTP). */
const generatorSource =
  (faults = parseFaultSpec(undefined)) =>
  async (req: PageRequest) => {
    const page = generatePage(req);
    return {
      results: page.results.map((u, i) => (isCorruptRecord(faults, req.seed, req.page, i) ? corruptRecord(u, req.seed, req.page, i) : u)),
      attempts: 1,
    };
  };

/** A fake staging table: a set of ids, with duplicates counted like ON CONFLICT DO NOTHING. */
const fakeStaging = () => {
  const ids = new Set<string>();
  const batches: StageItem[][] = [];
  return {
    ids,
    batches,
    stage: async (batch: StageItem[]) => {
      batches.push(batch);
      let staged = 0;
      for (const item of batch) {
        if (!ids.has(item.record.id)) {
          ids.add(item.record.id);
          staged++;
        }
      }
      return { staged, duplicates: batch.length - staged };
    },
  };
};

describe('runIngest', () => {
  it('fetches the planned pages, maps every user and stages them in batches of batch-size', async () => {
    const staging = fakeStaging();
    const requests: PageRequest[] = [];
    const summary = await runIngest(
      {
        fetchPage: async (req) => {
          requests.push(req);
          return generatorSource()(req);
        },
        stage: staging.stage,
        log,
      },
      base,
    );
    expect(requests.map((r) => r.page).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(requests.every((r) => r.results === 50 && r.seed === 'unit')).toBe(true);
    expect(summary).toMatchObject({ fetched: 250, staged: 250, duplicates: 0, rejected: 0, pages: 5, interrupted: false });
    expect(staging.ids.size).toBe(250);
    expect(staging.batches.map((b) => b.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    const record = staging.batches[0]![0]!.record;
    expect(record).toMatchObject({ source: 'generator', ingest_run_id: 'run-unit' });
  });

  it('cuts the last page to the count and counts duplicates reported by staging', async () => {
    const staging = fakeStaging();
    const deps = { fetchPage: generatorSource(), stage: staging.stage, log };
    const first = await runIngest(deps, { ...base, count: 120 });
    expect(first).toMatchObject({ fetched: 120, staged: 120, duplicates: 0 });
    const again = await runIngest(deps, { ...base, count: 120, runId: 'run-2' });
    expect(again).toMatchObject({ fetched: 120, staged: 0, duplicates: 120 });
  });

  it('skips and counts malformed records, never staging them', async () => {
    const faults = parseFaultSpec('bad=0.1');
    const staging = fakeStaging();
    const summary = await runIngest({ fetchPage: generatorSource(faults), stage: staging.stage, log }, { ...base, count: 500 });
    let corrupt = 0;
    const corruptIds: string[] = [];
    for (let page = 1; page <= 10; page++) {
      generatePage({ seed: 'unit', page, results: 50 }).results.forEach((u, i) => {
        if (isCorruptRecord(faults, 'unit', page, i)) {
          corrupt++;
          corruptIds.push(u.login.uuid);
        }
      });
    }
    expect(corrupt).toBeGreaterThan(0);
    expect(summary.rejected).toBe(corrupt);
    expect(summary.staged).toBe(500 - corrupt);
    expect(summary.rejectReasons.length).toBeGreaterThan(0);
    expect(summary.rejectReasons[0]).toMatch(/^invalid record: [\w.]+=/);
    expect(corruptIds.filter((id) => staging.ids.has(id))).toEqual([]);
  });

  it('holds fetching back while staging is slow: bounded batches in flight and users in memory', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let fetched = 0;
    let staged = 0;
    let maxAhead = 0;
    const summary = await runIngest(
      {
        fetchPage: async (req) => {
          const page = await generatorSource()(req);
          fetched += page.results.length;
          maxAhead = Math.max(maxAhead, fetched - staged);
          return page;
        },
        stage: async (batch) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 5));
          inFlight--;
          staged += batch.length;
          return { staged: batch.length, duplicates: 0 };
        },
        log,
      },
      { ...base, count: 2000, batchSize: 50, resultsPerPage: 50, concurrency: 4, maxInFlightBatches: 2 },
    );
    expect(summary.staged).toBe(2000);
    expect(maxInFlight).toBe(2);
    // At most: batches in flight + one page per worker + a partial batch, far below the 2000 fetched.
    expect(maxAhead).toBeLessThanOrEqual(2 * 50 + 4 * 50 + 50);
  });

  it('fails with the fetch error after letting the batches in flight end, and stops fetching', async () => {
    const staging = fakeStaging();
    let calls = 0;
    const error = await runIngest(
      {
        fetchPage: async (req) => {
          calls++;
          if (req.page === 3) throw new Error('fetching page 3 failed after 6 attempts');
          return generatorSource()(req);
        },
        stage: staging.stage,
        log,
      },
      { ...base, count: 5000, concurrency: 1 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('fetching page 3 failed after 6 attempts');
    expect(calls).toBe(3);
    // Pages 1 and 2 were fetched and are staged.
    expect(staging.ids.size).toBe(100);
  });

  it('fails when staging fails, without fetching the rest', async () => {
    let calls = 0;
    const error = await runIngest(
      {
        fetchPage: async (req) => {
          calls++;
          return generatorSource()(req);
        },
        stage: async () => {
          throw new Error('staging a batch of 100 users failed: connect ECONNREFUSED 127.0.0.1:5433');
        },
        log,
      },
      { ...base, count: 5000, concurrency: 2 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(calls).toBeLessThan(10);
  });

  it('on a stop signal stages what was fetched and reports an interrupted run', async () => {
    const staging = fakeStaging();
    const stop = new AbortController();
    const summary = await runIngest(
      {
        fetchPage: async (req, signal) => {
          if (req.page === 4) {
            stop.abort(new Error('SIGTERM'));
            signal?.throwIfAborted();
          }
          return generatorSource()(req);
        },
        stage: staging.stage,
        log,
        signal: stop.signal,
      },
      { ...base, count: 5000, concurrency: 1 },
    );
    expect(summary).toMatchObject({ interrupted: true, fetched: 150, staged: 150 });
    expect(staging.ids.size).toBe(150);
  });
});
