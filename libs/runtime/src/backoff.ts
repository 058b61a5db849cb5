export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

/**
 * The delay of a hand-made retry loop (a supervisor restarting its child, a listener reconnecting;
 * `withRetry` covers the rest through p-retry). Delay before attempt number `failures` (1, 2, …): exponential from `minMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so restarts never come back-to-back nor in lockstep.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, failures - 1), 30);
  const ceiling = Math.min(options.maxMs, options.minMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
