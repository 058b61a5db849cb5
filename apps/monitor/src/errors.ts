import { StreamlineError } from '@streamline/runtime';

/** "Find a user" was given something that is neither a user id nor an e-mail address. */
export class InvalidQueryError extends StreamlineError {}

/** A source the monitor reads (a server, an app) did not answer; the page shows the message. */
export class SourceUnavailableError extends StreamlineError {
  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    super(`${source}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, retriable: true });
  }
}
