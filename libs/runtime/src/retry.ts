import pRetry, { AbortError } from 'p-retry';
import { isRetriable } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first one. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Called before each new attempt, e.g. to log it. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * The least wait the failure asks for (e.g. an HTTP Retry-After): the next attempt starts after
   * max(backoff, this), never their sum.
   */
  minDelayFor?: (error: unknown) => number | undefined;
  signal?: AbortSignal;
  /** Stop retrying once this much time has passed since the first attempt. */
  maxRetryTime?: number;
  /** Which failures are worth another attempt; default `isRetriable`. The others fail at once. */
  retryIf?: (error: unknown) => boolean;
}

export const defaultRetryOptions: RetryOptions = { retries: 5, minDelayMs: 200, maxDelayMs: 10_000 };

/**
 * The project's one backoff helper: exponential with jitter (each delay randomised 1-2x), capped, and errors that are
 * not retriable (see `isRetriable`) fail at once. Do not wrap a client that already retries.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  const opts = { ...defaultRetryOptions, ...options };
  // p-retry sleeps the backoff; an error's minimum wait is kept here and the next attempt first
  // sleeps whatever is left of it.
  let notBefore = 0;
  return pRetry(
    async (attempt) => {
      const wait = notBefore - Date.now();
      if (wait > 0) await sleep(wait, opts.signal);
      try {
        return await fn(attempt);
      } catch (error) {
        if (!(opts.retryIf ?? isRetriable)(error)) throw new AbortError(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
    {
      retries: opts.retries,
      minTimeout: opts.minDelayMs,
      maxTimeout: opts.maxDelayMs,
      factor: 2,
      randomize: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.maxRetryTime === undefined ? {} : { maxRetryTime: opts.maxRetryTime }),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        const backoff = Math.min(opts.maxDelayMs, opts.minDelayMs * 2 ** Math.min(attemptNumber - 1, 30));
        const least = opts.minDelayFor?.(error) ?? 0;
        notBefore = Date.now() + least;
        if (retriesLeft > 0) opts.onRetry?.(error, attemptNumber, Math.max(backoff, least));
      },
    },
  );
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
