import { StreamlineError } from '@streamline/runtime';

/** An outbox row whose aggregatetype no route names: the relay cannot tell which topic it belongs to. */
export class UnroutableRowError extends StreamlineError {
  constructor(
    readonly seq: string,
    readonly aggregatetype: string,
    known: string[],
  ) {
    super(`outbox row seq ${seq} has aggregatetype ${JSON.stringify(aggregatetype)}, which RELAY_ROUTES does not route (routed: ${known.join(', ')})`);
  }
}

/** `--replay` without a filter, with both, or with a bad value. */
export class ReplayOptionsError extends StreamlineError {}
