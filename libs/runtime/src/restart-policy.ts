import { backoffDelay, type BackoffOptions } from './backoff.js';

export interface RestartPolicyOptions {
  backoff: BackoffOptions;
  /** A child that ran this long before failing starts the backoff over. */
  stableAfterMs: number;
  /** Failures in a row before giving up; 0 or unset: never. */
  maxRestarts?: number;
  /** Exit codes a restart cannot mend (2: the program refused its arguments or config). */
  fatalCodes?: readonly number[];
  random?: () => number;
}

export type RestartDecision =
  | { kind: 'restart'; delayMs: number; failures: number }
  | { kind: 'give-up'; failures: number }
  | { kind: 'fatal'; code: number };

export interface RestartPolicy {
  /** A child exited unasked with `code` after running `ranMs`. */
  afterExit(code: number | null, ranMs: number): RestartDecision;
  /** A start failed before any child ran (e.g. a dependency it prepares was down). */
  afterFailedStart(): RestartDecision;
}

/**
 * The one restart policy of the project's supervisors (the local stack's apps, the Spark job):
 * exponential backoff with jitter, capped; a stable run starts the count over; a fatal exit code
 * is not retried; optionally a bound on failures in a row.
 */
export function createRestartPolicy(options: RestartPolicyOptions): RestartPolicy {
  const fatal = new Set(options.fatalCodes ?? [2]);
  const maxRestarts = options.maxRestarts ?? 0;
  let failures = 0;
  const failed = (): RestartDecision => {
    failures++;
    if (maxRestarts > 0 && failures > maxRestarts) return { kind: 'give-up', failures };
    return { kind: 'restart', delayMs: backoffDelay(failures, options.backoff, options.random), failures };
  };
  return {
    afterExit(code, ranMs) {
      if (code !== null && fatal.has(code)) return { kind: 'fatal', code };
      if (ranMs >= options.stableAfterMs) failures = 0;
      return failed();
    },
    afterFailedStart: failed,
  };
}
