import { StreamlineError } from '@streamline/runtime';

/**
 * A request to the users API that failed. `retriable` for timeouts, network errors, 429 and 5xx;
 * `retryAfterMs` is what the server asked us to wait (Retry-After), when it said.
 */
export class ApiRequestError extends StreamlineError {
  constructor(
    message: string,
    readonly url: string,
    options: { retriable: boolean; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
}

/** An answer that is not what a randomuser.me-compatible API sends (not JSON, no results array). */
export class MalformedResponseError extends StreamlineError {
  constructor(
    readonly url: string,
    reason: string,
    retriable = false,
  ) {
    super(`malformed response from ${url}: ${reason}`, { retriable });
  }
}

/** Every attempt at a page failed; keeps the last error as the cause. */
export class FetchFailedError extends StreamlineError {
  constructor(page: number, attempts: number, cause: unknown) {
    super(`fetching page ${page} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}`, { cause });
  }
}

/** PostgreSQL staging could not be reached or a batch could not be written. */
export class StagingError extends StreamlineError {}

/** The run was stopped (SIGINT/SIGTERM) before it finished. */
export class IngestInterruptedError extends StreamlineError {
  constructor(reason: string) {
    super(`interrupted: ${reason}`);
  }
}
