import type { UserSource } from '@streamline/user-schema';

/** What a run did; printed as one line at the end (or one JSON line with --json). */
export interface IngestSummary {
  runId: string;
  source: UserSource;
  seed: string;
  requested: number;
  pages: number;
  resultsPerPage: number;
  /** Records received from the source (cut to the requested count). */
  fetched: number;
  /** New users committed to staging (each with its outbox row). */
  staged: number;
  /** Users already in staging (or twice in a batch), skipped. */
  duplicates: number;
  /** Records the mapper refused; never staged. */
  rejected: number;
  /** The first few reasons, one line each. */
  rejectReasons: string[];
  /** Requests repeated after a timeout, network error, 429 or 5xx. */
  retries: number;
  elapsedMs: number;
  /** Fetched users per second over the whole run. */
  rate: number;
  /** Stopped by a signal before every page was fetched. */
  interrupted: boolean;
}

export const MAX_REJECT_REASONS = 5;

export interface Tally {
  fetched: number;
  staged: number;
  duplicates: number;
  rejected: number;
  retries: number;
  reject(reason: string): void;
  finish(elapsedMs: number, interrupted: boolean): IngestSummary;
}

export function createTally(run: Pick<IngestSummary, 'runId' | 'source' | 'seed' | 'requested' | 'pages' | 'resultsPerPage'>): Tally {
  const reasons: string[] = [];
  const tally: Tally = {
    fetched: 0,
    staged: 0,
    duplicates: 0,
    rejected: 0,
    retries: 0,
    reject(reason) {
      tally.rejected++;
      if (reasons.length < MAX_REJECT_REASONS && !reasons.includes(reason)) reasons.push(reason);
    },
    finish(elapsedMs, interrupted) {
      return Object.freeze({
        ...run,
        fetched: tally.fetched,
        staged: tally.staged,
        duplicates: tally.duplicates,
        rejected: tally.rejected,
        rejectReasons: [...reasons],
        retries: tally.retries,
        elapsedMs: Math.round(elapsedMs),
        rate: elapsedMs > 0 ? Math.round((tally.fetched * 1000) / elapsedMs) : 0,
        interrupted,
      });
    },
  };
  return tally;
}

/** The human one-liner. */
export function formatSummary(s: IngestSummary): string {
  const head = s.interrupted ? 'ingest interrupted' : 'ingest done';
  const parts = [
    `${head}: fetched=${s.fetched}/${s.requested}`,
    `staged=${s.staged}`,
    `duplicates=${s.duplicates}`,
    `rejected=${s.rejected}`,
    `retries=${s.retries}`,
    `rate=${s.rate} users/s`,
    `elapsed=${(s.elapsedMs / 1000).toFixed(2)}s`,
    `source=${s.source}`,
    `seed=${s.seed}`,
    `run=${s.runId}`,
  ];
  const reasons = s.rejectReasons.length > 0 ? ` rejected e.g.: ${s.rejectReasons.join(' | ')}` : '';
  return parts.join(' ') + reasons;
}

/** One JSON line for machines (Airflow reads it from the last line of stdout). */
export function summaryJson(s: IngestSummary): string {
  return JSON.stringify({ ok: true, ...s });
}
