/** The pipeline apps a run needs running: the stack's (supervised) or, when it runs none of them, its own. */
export const PIPELINE_APPS = ['relay', 'spark-launcher', 'cassandra-writer'] as const;

/** Uses the stack's apps only when every pipeline app runs there healthy; a partial set would mix owners. */
export function usesStackApps(stackApps: ReadonlyArray<{ name: string }>): boolean {
  return PIPELINE_APPS.every((name) => stackApps.some((c) => c.name === name));
}

/** Parses `--count`: a positive integer, or one line naming what was given. */
export function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`invalid --count ${JSON.stringify(value)}: expected a positive integer`);
  }
  return count;
}

/** The ingestor's source flags, passed through as given (only those set). */
export function sourceArgs(opts: { source?: string; seed?: string; apiUrl?: string; nat?: string }): string[] {
  const args: string[] = [];
  if (opts.source) args.push('--source', opts.source);
  if (opts.seed) args.push('--seed', opts.seed);
  if (opts.apiUrl) args.push('--api-url', opts.apiUrl);
  if (opts.nat) args.push('--nat', opts.nat);
  return args;
}

/**
 * Latencies of this run's own users, sorted: a user fetched again was stored by an earlier run, so
 * its time from staging to Cassandra says nothing about this one. `publish`: staging to the
 * broker's append time, of the rows that recorded it.
 */
export function latenciesOfNewUsers(
  stored: ReadonlyArray<{ id: string; latencyMs: number; publishMs: number | null }>,
  stagedByThisRun: readonly string[],
): { stored: number[]; publish: number[] } {
  const isNew = new Set(stagedByThisRun);
  const mine = stored.filter((r) => isNew.has(r.id));
  const byValue = (a: number, b: number) => a - b;
  return {
    stored: mine.map((r) => r.latencyMs).sort(byValue),
    publish: mine.flatMap((r) => (r.publishMs === null ? [] : [r.publishMs])).sort(byValue),
  };
}
