import { type LagReport } from '@streamline/clients';
import { describeError, type Logger } from '@streamline/runtime';
import type { WriterStats } from './writer-metrics.js';

/**
 * Logs throughput, the latency percentiles and the consumer lag every `intervalMs`. Lag is
 * best-effort: a failed lookup is logged and the line is written without it.
 */
export function startProgressReporter(options: {
  log: Logger;
  intervalMs: number;
  stats: () => WriterStats;
  lag: () => Promise<LagReport>;
}): { stop: () => void } {
  let last = options.stats();
  let lastAt = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const stats = options.stats();
      const now = Date.now();
      let lag: number | undefined;
      try {
        lag = (await options.lag()).total;
      } catch (error) {
        options.log.warn({ err: describeError(error) }, 'consumer lag unavailable');
      }
      const seconds = Math.max(0.001, (now - lastAt) / 1000);
      options.log.info(
        {
          written: stats.written,
          dlq: stats.dlq,
          duplicates: stats.duplicates,
          rowsPerSecond: Math.round((stats.written - last.written) / seconds),
          latencyP50Ms: stats.latencyMs.p50,
          latencyP99Ms: stats.latencyMs.p99,
          lag,
        },
        'progress',
      );
      last = stats;
      lastAt = now;
    })().finally(() => {
      busy = false;
    });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
