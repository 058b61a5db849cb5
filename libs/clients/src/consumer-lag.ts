// A consumer group's lag, read through the admin API: what the writer logs and exports, the bench
// polls, and the monitor shows.
import type { Admin } from 'kafkajs';

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
