// Kafka as the monitor reads it at each tick: the pipeline topics' offsets and the writer group's
// commits (the Spark job's position comes from its launcher: spark-position.ts).
import type { Admin } from 'kafkajs';
import { positionOf } from './lag-seconds.js';

export interface TopicOffsets {
  topic: string;
  /** null: the topic does not exist (yet). */
  partitions: Array<{ partition: number; low: number; high: number }> | null;
  /** Messages ever written (sum of end offsets). */
  messages: number | null;
  /** Messages still on the log (retention may have removed older ones). */
  retained: number | null;
}

export interface GroupPositions {
  /** The consumer group's id, or for Spark its application name. */
  group: string;
  kind: 'consumer group' | 'spark checkpoint';
  topic: string;
  /** partition -> where the consumer stands; empty when the topic does not exist. */
  partitions: Record<string, { position: number; end: number }>;
  /** The Spark batch whose offsets these are. */
  batch?: number;
  /**
   * Real-time Mode: the checkpoint moves only at each (minutes-long) batch end, while the records
   * flow meanwhile; a lag that does not move between batch ends is not a stall.
   */
  checkpointedPerBatch?: boolean;
  /** Why the position is not known (e.g. the Spark job's launcher does not answer); `partitions` is then empty. */
  unknown?: string;
}

const missingTopic = (error: unknown) => /does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION/i.test(String((error as Error)?.message ?? error));

/**
 * The topics' offsets. Missing topics are found from the topic list first: asking a missing
 * topic's offsets would have kafkajs retry for seconds.
 */
export async function readTopicsOffsets(admin: Pick<Admin, 'fetchTopicOffsets' | 'listTopics'>, topics: readonly string[]): Promise<TopicOffsets[]> {
  const existing = new Set(await admin.listTopics());
  return Promise.all(topics.map((topic) => (existing.has(topic) ? readTopicOffsets(admin, topic) : { topic, partitions: null, messages: null, retained: null })));
}

export async function readTopicOffsets(admin: Pick<Admin, 'fetchTopicOffsets'>, topic: string): Promise<TopicOffsets> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const partitions = offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
    return {
      topic,
      partitions,
      messages: partitions.reduce((sum, p) => sum + p.high, 0),
      retained: partitions.reduce((sum, p) => sum + p.high - p.low, 0),
    };
  } catch (error) {
    if (missingTopic(error)) return { topic, partitions: null, messages: null, retained: null };
    throw error;
  }
}

/** A group's committed offsets on a topic, as positions against the topic's ends. */
export async function readGroupPositions(
  admin: Pick<Admin, 'fetchOffsets'>,
  group: string,
  offsets: TopicOffsets,
  fromBeginning = true,
): Promise<GroupPositions> {
  const out: GroupPositions = { group, kind: 'consumer group', topic: offsets.topic, partitions: {} };
  if (!offsets.partitions) return out;
  const committed = (await admin.fetchOffsets({ groupId: group, topics: [offsets.topic] })).find((t) => t.topic === offsets.topic)?.partitions ?? [];
  const byPartition = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  for (const p of offsets.partitions) {
    out.partitions[p.partition] = { position: positionOf(byPartition.get(p.partition) ?? null, p.low, p.high, fromBeginning), end: p.high };
  }
  return out;
}
