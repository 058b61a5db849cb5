import pLimit from 'p-limit';
import type { Logger } from '@streamline/runtime';
import { InvalidRecordError, type UserSource } from '@streamline/user-schema';
import type { PageRequest } from './api-client.js';
import { type PlannedPage, planPages } from './fetch-plan.js';
import { createInFlight } from './in-flight.js';
import { type ScannedResults, verbatimJson } from './result-bytes.js';
import type { StageFn, StageItem } from './stage-batch.js';
import { toStageable, vouchedByScan } from './stageable-record.js';
import { type IngestSummary, createTally } from './summary.js';

export interface IngestOptions {
  count: number;
  batchSize: number;
  /** Pages fetched at once. */
  concurrency: number;
  /** Staging transactions in flight at once. */
  maxInFlightBatches: number;
  resultsPerPage?: number | undefined;
  seed: string;
  nat?: string | undefined;
  source: UserSource;
  runId: string;
  /** How often to log progress; 0: never. */
  progressIntervalMs?: number;
}

export interface IngestDeps {
  /** `scanned`: the page's body as received and where each result lies in it, where records are staged from when they can be (result-bytes.ts). */
  fetchPage(request: PageRequest, signal?: AbortSignal): Promise<{ results: unknown[]; attempts?: number; scanned?: ScannedResults | undefined }>;
  stage: StageFn;
  /** Called for each record that fails validation (counted in the metrics). */
  onRejected?: () => void;
  log: Logger;
  /** Stop asked for (SIGINT/SIGTERM): no new pages; what was fetched is still staged. */
  signal?: AbortSignal;
  now?: () => number;
}

/** Rejected records logged one by one up to this; after that only counted (the summary shows a few). */
const MAX_LOGGED_REJECTS = 100;

/**
 * fetch -> map -> stage. Pages run through p-limit, `concurrency` at once; each is mapped (a bad
 * record, see toStageable, is reported in one line and skipped) and full batches go to staging, where at most
 * `maxInFlightBatches` transactions run at once. A page that finds every staging slot taken holds
 * its p-limit slot until one frees, so no more pages are fetched meanwhile: memory stays bounded
 * (about concurrency pages + in-flight batches + one partial batch) whatever the count. The first failure stops the workers, lets the batches in flight
 * end, and is thrown; a stop signal instead stages what was already fetched and returns an
 * `interrupted` summary.
 */
export async function runIngest(deps: IngestDeps, options: IngestOptions): Promise<IngestSummary> {
  const now = deps.now ?? (() => performance.now());
  const { log } = deps;
  const started = now();
  const plan = planPages(options);
  const tally = createTally({
    runId: options.runId,
    source: options.source,
    seed: options.seed,
    requested: options.count,
    pages: plan.pages.length,
    resultsPerPage: plan.resultsPerPage,
  });
  const failure = new AbortController();
  const stop = deps.signal ? AbortSignal.any([deps.signal, failure.signal]) : failure.signal;
  const fail = (error: unknown) => {
    if (!failure.signal.aborted) failure.abort(error);
  };
  const gate = createInFlight(options.maxInFlightBatches, fail);
  const meta = { source: options.source, ingestRunId: options.runId };
  log.info(
    { runId: options.runId, source: options.source, seed: options.seed, count: options.count, pages: plan.pages.length, resultsPerPage: plan.resultsPerPage },
    'ingest starting',
  );

  let buffer: StageItem[] = [];
  const flush = async (all: boolean) => {
    while (buffer.length >= options.batchSize || (all && buffer.length > 0)) {
      const batch = buffer.slice(0, options.batchSize);
      buffer = buffer.slice(options.batchSize);
      await gate.start(async () => {
        const result = await deps.stage(batch);
        tally.staged += result.staged;
        tally.duplicates += result.duplicates;
        log.debug({ size: batch.length, ...result }, 'batch staged');
      });
    }
  };

  const processPage = async (planned: PlannedPage) => {
    if (stop.aborted) return;
    const page = await deps.fetchPage({ page: planned.page, results: plan.resultsPerPage, seed: options.seed, nat: options.nat }, stop);
    tally.retries += Math.max(0, (page.attempts ?? 1) - 1);
    if (page.results.length < planned.take) {
      log.warn({ page: planned.page, expected: planned.take, got: page.results.length }, 'short page');
    }
    const { results, scanned } = page;
    const take = Math.min(results.length, planned.take);
    tally.fetched += take;
    for (let index = 0; index < take; index++) {
      const raw = results[index];
      try {
        if (scanned) {
          // Staged from the bytes it came in where it can be, and not walked again for what the scan vouches for.
          buffer.push({ raw, rawJson: verbatimJson(scanned, index), record: toStageable(raw, meta, vouchedByScan(scanned, index)) });
        } else {
          buffer.push({ raw, record: toStageable(raw, meta) });
        }
      } catch (error) {
        if (!(error instanceof InvalidRecordError)) throw error;
        tally.reject(error.message);
        deps.onRejected?.();
        if (tally.rejected <= MAX_LOGGED_REJECTS) {
          log.warn({ page: planned.page, index, field: error.field, reason: error.message }, 'record rejected');
        }
      }
    }
    // Waits for a staging slot when all are taken: the page's slot in `limit` stays busy meanwhile,
    // so no further page is fetched (back-pressure).
    await flush(false);
  };

  // Pages not started yet are dropped on a failure or a stop (their promises reject with AbortError).
  const limit = pLimit({ concurrency: Math.max(1, Math.min(options.concurrency, plan.pages.length)), rejectOnClear: true });
  stop.addEventListener('abort', () => limit.clearQueue(), { once: true });
  const pageTask = async (planned: PlannedPage) => {
    try {
      await processPage(planned);
    } catch (error) {
      // Stopping on a signal is not a failure; anything else stops the other pages at once.
      if (!(deps.signal?.aborted && error === deps.signal.reason)) fail(error);
    }
  };

  const progress =
    (options.progressIntervalMs ?? 5000) > 0
      ? setInterval(
          () => log.info({ fetched: tally.fetched, staged: tally.staged, duplicates: tally.duplicates, rejected: tally.rejected }, 'progress'),
          options.progressIntervalMs ?? 5000,
        )
      : undefined;
  progress?.unref();
  try {
    await Promise.allSettled(plan.pages.map((planned) => limit(pageTask, planned)));
    // What was fetched is staged, unless staging itself is what failed.
    if (!gate.failed) await flush(true).catch(fail);
    await gate.drain().catch(fail);
    if (failure.signal.aborted) throw failure.signal.reason;
  } finally {
    if (progress) clearInterval(progress);
  }
  const summary = tally.finish(now() - started, deps.signal?.aborted ?? false);
  log.info({ ...summary }, 'ingest finished');
  return summary;
}
