// Kafka as the monitor reads it at each tick: the pipeline topics' offsets, the writer group's
// commits and the Spark job's checkpoint position.
import type { Admin } from 'kafkajs';
import { positionOf } from './lag-seconds.js';
import { firstBatchRunning, readSparkPosition } from './spark-checkpoint.js';

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

/** The Spark job's position from its checkpoint; before its first committed batch it stands at the log start. */
export async function readSparkPositions(checkpointDir: string, appName: string, offsets: TopicOffsets): Promise<GroupPositions> {
  const out: GroupPositions = { group: appName, kind: 'spark checkpoint', topic: offsets.topic, partitions: {} };
  if (!offsets.partitions) return out;
  const spark = await readSparkPosition(checkpointDir, offsets.topic);
  if (spark) {
    out.batch = spark.batch;
    out.checkpointedPerBatch = spark.query === 'realtime';
  } else {
    // Real-time Mode's first batch commits only at its end: until then its lag stands still by design.
    out.checkpointedPerBatch = (await firstBatchRunning(checkpointDir)) === 'realtime';
  }
  for (const p of offsets.partitions) {
    out.partitions[p.partition] = { position: positionOf(spark?.offsets[p.partition] ?? null, p.low, p.high, true), end: p.high };
  }
  return out;
}
