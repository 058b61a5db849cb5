import type { ReplayFilter } from '@streamline/staging';
import { ReplayOptionsError } from './errors.js';

/** `--run-id R` or `--since T` (one of them); refused in one line otherwise. */
export function replayFilter(options: { runId?: string; since?: string }): ReplayFilter {
  if (options.runId !== undefined && options.since !== undefined) throw new ReplayOptionsError('replay takes --run-id or --since, not both');
  if (options.runId !== undefined) {
    if (!/^[\w.:-]{1,100}$/.test(options.runId)) throw new ReplayOptionsError(`invalid --run-id ${JSON.stringify(options.runId)}: expected 1-100 letters, digits, _ . : or -`);
    return { runId: options.runId };
  }
  if (options.since !== undefined) {
    const since = new Date(options.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(options.since) || Number.isNaN(since.getTime())) throw new ReplayOptionsError(`invalid --since ${JSON.stringify(options.since)}: expected an ISO time such as 2026-12-01T10:00:00Z`);
    return { since };
  }
  throw new ReplayOptionsError('replay needs --run-id <id> (the users an ingest run fetched) or --since <ISO time>');
}
