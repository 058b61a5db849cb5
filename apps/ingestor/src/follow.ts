import { sleep, type Logger } from '@streamline/runtime';
import type { IngestSummary } from './summary.js';
import { MAX_REJECT_REASONS } from './summary.js';

export interface FollowOptions {
  /** Users per second to fetch, on average. */
  rate: number;
  /** The users of one round (one runIngest), at most; a round takes about roundSize / rate seconds. */
  roundSize: number;
  /**
   * A round starts about this often (ms): `rate * tickMs / 1000` users each, at least one. Short
   * ticks make the rate a stream, not a burst a second that every later hop then waits through.
   */
  tickMs?: number;
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
 * `--follow`: streams users until stopped, at `rate` users/s. Each round is an ordinary ingest with a
 * seed of its own (`<seed>-<round>`): the users owed at the rate since the last round, once a tick's
 * worth is owed. So at a steady rate the rounds are a tick apart and a tick of users each (a stream,
 * not a burst a second); a round that ran long makes the next one larger, up to `roundSize` (batches
 * form under load, and the rate is kept). What a longer stall (a slow API, a PostgreSQL outage) owes
 * beyond one `roundSize` is dropped, not made up by a burst. Returns the totals of every round.
 */
export async function runFollow(deps: FollowDeps, options: FollowOptions): Promise<IngestSummary> {
  const now = deps.now ?? (() => performance.now());
  const sleep = deps.sleep ?? abortableSleep;
  const started = now();
  const msPerUser = 1000 / options.rate;
  const tickCount = Math.max(1, Math.min(options.roundSize, Math.round((options.rate * (options.tickMs ?? 1000)) / 1000)));
  /** The clock up to which the rate's users were fetched: the first round is owed a tick at once. */
  let due = started - tickCount * msPerUser;
  const total = { fetched: 0, staged: 0, duplicates: 0, rejected: 0, retries: 0, pages: 0 };
  const reasons: string[] = [];
  let last: IngestSummary | undefined;
  let round = 0;
  let lastLog = started;
  deps.log.info({ rate: options.rate, usersPerTick: tickCount, seed: options.seed }, 'following: streaming users until stopped');
  while (!deps.signal.aborted) {
    due = Math.max(due, now() - options.roundSize * msPerUser);
    // The epsilon: a clock exactly on a user's due time owes that user, whatever the float says.
    const count = Math.min(options.roundSize, Math.floor((now() - due) / msPerUser + 1e-9));
    if (count < tickCount) {
      await sleep(due + tickCount * msPerUser - now(), deps.signal);
      continue;
    }
    const summary = await deps.ingestRound(count, `${options.seed}-${round}`);
    due += count * msPerUser;
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
    // The next round once a tick of users is owed.
    await sleep(Math.max(0, due + tickCount * msPerUser - now()), deps.signal);
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
