import type { Admin } from 'kafkajs';
import type { Logger } from '@streamline/runtime';
import { describeError } from '@streamline/runtime';
import type { WriterStats } from './writer-metrics.js';

export interface PartitionLag {
  partition: number;
  /** Next offset the group will read (-1: nothing committed yet). */
  committed: string;
  end: string;
  lag: number;
}

export interface LagReport {
  total: number;
  partitions: PartitionLag[];
}

/**
 * Lag per partition = end offset - committed offset. A partition with nothing committed counts from
 * the log start (`low`) when the group starts from the beginning, else it has no lag yet.
 */
export function computeLag(
  committed: ReadonlyArray<{ partition: number; offset: string }>,
  ends: ReadonlyArray<{ partition: number; high: string; low: string }>,
  fromBeginning = true,
): LagReport {
  const byPartition = new Map(committed.map((c) => [c.partition, c.offset]));
  const partitions = [...ends]
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, high, low }) => {
      const c = byPartition.get(partition) ?? '-1';
      const from = BigInt(c) >= 0n ? BigInt(c) : fromBeginning ? BigInt(low) : BigInt(high);
      const lag = BigInt(high) - from;
      return { partition, committed: c, end: high, lag: Number(lag > 0n ? lag : 0n) };
    });
  return { total: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}

export async function fetchConsumerLag(admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>, groupId: string, topic: string, fromBeginning = true): Promise<LagReport> {
  const [groupOffsets, ends] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
  return computeLag(groupOffsets.find((t) => t.topic === topic)?.partitions ?? [], ends, fromBeginning);
}

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
