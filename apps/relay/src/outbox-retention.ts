import type { PgPool } from '@streamline/clients';
import type { Logger } from '@streamline/runtime';
import { pruneOutbox } from '@streamline/staging';

export interface RetentionOptions {
  retentionMs: number;
  intervalMs: number;
  batchSize: number;
  /** Told how many rows each pass removed (the metrics). */
  onPruned?: (count: number) => void;
}

/**
 * Removes published outbox rows past their retention, at an interval, a small batch per DELETE
 * until none is left, beside the relay loop (its own statements, never in a claim). A failed pass
 * (PostgreSQL away) is logged and tried at the next tick. `stop()` waits for a pass in flight.
 */
export function startOutboxRetention(pool: PgPool, log: Logger, options: RetentionOptions): { stop(): Promise<void> } {
  let stopped = false;
  let pass: Promise<void> | undefined;
  const run = async () => {
    let removed = 0;
    try {
      for (;;) {
        const n = await pruneOutbox(pool, options.retentionMs, options.batchSize);
        removed += n;
        if (n > 0) options.onPruned?.(n);
        if (n < options.batchSize || stopped) break;
      }
      if (removed > 0) log.info({ removed, retentionMs: options.retentionMs }, 'outbox rows past retention removed');
    } catch (error) {
      log.warn({ err: (error as Error).message, removed }, 'outbox retention pass failed; trying again at the next interval');
    }
  };
  const timer = setInterval(() => {
    // A pass still running (a big backlog) is not doubled.
    pass ??= run().finally(() => (pass = undefined));
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
}
