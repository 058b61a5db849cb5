import { sleep, type Logger } from '@streamline/runtime';
import type { IngestSummary } from './summary.js';
import { MAX_REJECT_REASONS } from './summary.js';

export interface FollowOptions {
  /** Users per second to fetch, on average. */
  rate: number;
  /** The users of one round (one runIngest), at most; a round takes about roundSize / rate seconds. */
  roundSize: number;
  seed: string;
  /** How often to log the running totals (0: never). */
  progressIntervalMs?: number;
}

export interface FollowDeps {
  /** One bounded ingest of `count` users with its own seed (the same seed, the same users). */
  ingestRound(count: number, seed: string): Promise<IngestSummary>;
  log: Logger;
  /** Ctrl-C / SIGTERM: the round in flight stages what it fetched, then the stream ends. */
  signal: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The runtime's sleep, ended early (not failed) by a stop. */
const abortableSleep = (ms: number, signal: AbortSignal) => sleep(ms, signal).catch(() => undefined);

/**
 * `--follow`: streams users until stopped, at `rate` users/s. Each round is an ordinary ingest of
 * `rate` (at most `roundSize`) users with a seed of its own (`<seed>-<round>`), so every round is a
 * distinct, reproducible set and a rerun of a round stages nothing twice. Rounds are paced to start
 * every count/rate seconds; one that ran longer (a slow API, a PostgreSQL outage) is not made up
 * by a burst. Returns the totals of every round.
 */
export async function runFollow(deps: FollowDeps, options: FollowOptions): Promise<IngestSummary> {
  const now = deps.now ?? (() => performance.now());
  const sleep = deps.sleep ?? abortableSleep;
  const started = now();
  const count = Math.max(1, Math.min(options.roundSize, Math.round(options.rate)));
  const periodMs = (count * 1000) / options.rate;
  const total = { fetched: 0, staged: 0, duplicates: 0, rejected: 0, retries: 0, pages: 0 };
  const reasons: string[] = [];
  let last: IngestSummary | undefined;
  let round = 0;
  let nextAt = started;
  let lastLog = started;
  deps.log.info({ rate: options.rate, usersPerRound: count, seed: options.seed }, 'following: streaming users until stopped');
  while (!deps.signal.aborted) {
    const summary = await deps.ingestRound(count, `${options.seed}-${round}`);
    last = summary;
    round++;
    total.fetched += summary.fetched;
    total.staged += summary.staged;
    total.duplicates += summary.duplicates;
    total.rejected += summary.rejected;
    total.retries += summary.retries;
    total.pages += summary.pages;
    for (const r of summary.rejectReasons) if (reasons.length < MAX_REJECT_REASONS && !reasons.includes(r)) reasons.push(r);
    if (summary.interrupted) break;
    if ((options.progressIntervalMs ?? 5000) > 0 && now() - lastLog >= (options.progressIntervalMs ?? 5000)) {
      lastLog = now();
      deps.log.info({ rounds: round, fetched: total.fetched, staged: total.staged, ratePerSec: Math.round((total.fetched * 1000) / (now() - started)) }, 'following');
    }
    if (deps.signal.aborted) break;
    nextAt = Math.max(nextAt + periodMs, now());
    await sleep(nextAt - now(), deps.signal);
  }
  const elapsedMs = now() - started;
  return Object.freeze({
    runId: last?.runId ?? '',
    source: last?.source ?? 'generator',
    seed: options.seed,
    requested: total.fetched,
    resultsPerPage: last?.resultsPerPage ?? 0,
    ...total,
    rejectReasons: reasons,
    elapsedMs: Math.round(elapsedMs),
    rate: elapsedMs > 0 ? Math.round((total.fetched * 1000) / elapsedMs) : 0,
    // A stream ends by being stopped: that is its normal end, not an interruption.
    interrupted: false,
  });
}
