import type { PgPool } from '@streamline/clients';
import type { Logger } from '@streamline/runtime';
import { outboxLag, type OutboxLag } from '@streamline/staging';

/** Logs the relay's lag (unpublished outbox rows, age of the oldest; in wal mode the slot's lag in bytes) at an interval, and hands it to `onLag` (the metrics). */
export function startLagReporter(
  pool: PgPool,
  log: Logger,
  intervalMs: number,
  published: () => number,
  onLag: (lag: OutboxLag) => void = () => undefined,
  /** RELAY_SOURCE=wal: the slot whose lag in bytes is reported too. */
  slot?: string,
): { stop(): void } {
  let last = published();
  const timer = setInterval(() => {
    outboxLag(pool, slot === undefined ? {} : { slot })
      .then((lag) => {
        const now = published();
        onLag(lag);
        log.info({ ...lag, published: now, ratePerSec: Math.round(((now - last) * 1000) / intervalMs) }, 'relay lag');
        last = now;
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'lag query failed'));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
