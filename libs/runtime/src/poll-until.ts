import { sleep } from './retry.js';

export interface PollOptions {
  /** Gives up this long after the first check. */
  timeoutMs: number;
  /** Pause between checks (default 200 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout's message ("the Spark query to start"). */
  what: string;
  /** A check that throws is tried again (the error named at the timeout) instead of ending the wait. */
  retryErrors?: boolean;
  /** Ends the wait early, as a timeout would. */
  signal?: AbortSignal;
  /** The error to end with instead of the default one line (e.g. naming the last health detail). */
  onTimeout?: (lastError: unknown) => Error;
  now?: () => number;
}

/**
 * The project's one wait with a deadline: calls `check` until it returns a value that is neither
 * undefined nor false and returns that value; past `timeoutMs` (or on `signal`) throws one line
 * naming what was awaited and, with `retryErrors`, the last error.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: PollOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (!options.retryErrors) throw error;
      lastError = error;
    }
    if (now() >= deadline || options.signal?.aborted) break;
    await sleep(Math.min(options.intervalMs ?? 200, Math.max(0, deadline - now())), options.signal).catch(() => undefined);
  }
  if (options.onTimeout) throw options.onTimeout(lastError);
  const cause = lastError instanceof Error ? `: last error ${lastError.message}` : '';
  throw new Error(`timed out after ${options.timeoutMs / 1000} s waiting for ${options.what}${cause}`);
}
