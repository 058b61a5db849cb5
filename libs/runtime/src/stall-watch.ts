import { describeError } from './errors.js';
import type { Health } from './health.js';
import type { Logger } from './logger.js';

/** A driver's message can hold its inner errors' stacks: /healthz and the log get one bounded line. */
const MAX_REASON = 300;
const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 3)}...` : line;
};

export interface StallBound {
  /** Failed attempts on the same records before the app reports itself degraded. */
  afterAttempts: number;
  /** Or this long since the first of them, whichever comes first. */
  afterMs: number;
}

export interface StallWatch {
  /**
   * An attempt at the work of `key` (e.g. `users_processed[2]`) starting at `at` (e.g. `offset 1234`)
   * failed and will be tried again on the same records.
   */
  failed(key: string, at: string, error: unknown): void;
  /** The work of `key` went through (or moved past `at`): no longer stalled. */
  passed(key: string): void;
}

/**
 * Makes retrying the same records never silent: each failed attempt counts in the stage's errors
 * (`streamline_errors_total{kind="retry"}`), and once `bound` is reached (attempts or time) the app
 * reports itself degraded in /healthz, naming where it is stuck and why, and logs it once; it is
 * ready again once the work goes through.
 */
export function createStallWatch(options: {
  health: Pick<Health, 'stalled' | 'resumed'>;
  /** Counts each failed attempt (the stage's `error('retry')`). */
  onFailure: () => void;
  log: Logger;
  bound: StallBound;
  now?: () => number;
}): StallWatch {
  const now = options.now ?? Date.now;
  const open = new Map<string, { at: string; firstMs: number; attempts: number; reported: boolean }>();
  return {
    failed(key, at, error) {
      options.onFailure();
      let entry = open.get(key);
      // Moved on to other records: a new count.
      if (!entry || entry.at !== at) {
        if (entry?.reported) options.health.resumed(key);
        entry = { at, firstMs: now(), attempts: 0, reported: false };
        open.set(key, entry);
      }
      entry.attempts++;
      const reason = oneLine(describeError(error));
      if (entry.attempts >= options.bound.afterAttempts || now() - entry.firstMs >= options.bound.afterMs) {
        if (!entry.reported) options.log.error({ key, at, attempts: entry.attempts, err: reason }, 'stalled: the same records keep failing');
        entry.reported = true;
        options.health.stalled(key, { at, since: new Date(entry.firstMs).toISOString(), attempts: entry.attempts, reason });
      }
    },
    passed(key) {
      const entry = open.get(key);
      if (!entry) return;
      open.delete(key);
      if (entry.reported) {
        options.health.resumed(key);
        options.log.info({ key, at: entry.at, attempts: entry.attempts }, 'stall over: the records went through');
      }
    },
  };
}
