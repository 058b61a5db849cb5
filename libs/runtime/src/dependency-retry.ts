import type { Logger } from 'pino';
import { describeError } from './errors.js';
import type { Health } from './health.js';
import { withRetry } from './retry.js';
import { dependencyOf, isTransientDependencyError } from './transient-errors.js';

export interface DependencyRetryOptions {
  log: Logger;
  health: Health;
  /** Aborts the waiting (shutdown). */
  signal: AbortSignal;
  minDelayMs: number;
  maxDelayMs: number;
  /**
   * Give up after an outage this long (the last error is thrown): for batch jobs, whose caller
   * should hear of a server that stays away. Unset: wait as long as it takes (services).
   */
  maxOutageMs?: number;
  /** Called on each failed attempt (e.g. to count errors in the metrics). */
  onFailure?: (error: unknown, transient: boolean) => void;
}

/**
 * Runs `fn` until it succeeds while its failures are a dependency being away; other failures throw
 * at once. `dependency` names the server when the error does not tell (a refused connection).
 */
export type DependencyRetry = <T>(what: string, fn: () => Promise<T>, dependency?: string) => Promise<T>;

/**
 * Rides out outages: a transient dependency error (see `isTransientDependencyError`) is logged
 * once, the dependency marked down in /healthz, and the work tried again with capped, jittered
 * backoff, without limit, until it succeeds or the app stops; its return is logged once too.
 */
export function createDependencyRetry(options: DependencyRetryOptions): DependencyRetry {
  const { log, health } = options;
  return async (what, fn, hint) => {
    let downSince: number | undefined;
    let dependency = 'dependency';
    const result = await withRetry(fn, {
      retries: Number.POSITIVE_INFINITY,
      ...(options.maxOutageMs === undefined ? {} : { maxRetryTime: options.maxOutageMs }),
      minDelayMs: options.minDelayMs,
      maxDelayMs: options.maxDelayMs,
      signal: options.signal,
      retryIf: (error) => {
        const transient = isTransientDependencyError(error);
        options.onFailure?.(error, transient);
        return transient;
      },
      onRetry: (error, attempt, delayMs) => {
        if (attempt === 1) {
          downSince = Date.now();
          dependency = dependencyOf(error, hint);
          log.warn({ what, dependency, err: describeError(error), retryInMs: delayMs }, 'dependency unavailable, retrying with backoff');
        } else {
          log.debug({ what, dependency, attempt, err: describeError(error), retryInMs: delayMs }, 'still unavailable');
        }
        health.down(dependency, describeError(error));
      },
    });
    if (downSince !== undefined) {
      log.info({ what, dependency, downForMs: Date.now() - downSince }, 'dependency back, resuming');
      health.up(dependency);
    }
    return result;
  };
}
