import type { Admin } from 'kafkajs';
import { DEFAULT_TOPIC_LAYOUT, type TopicLayout } from '@streamline/config';

/**
 * Every pipeline topic stamps a record with the broker's clock when it appends it (LogAppendTime),
 * not the producer's: the timestamp a consumer reads is when the record reached Kafka, the
 * "published" hop time (the Spark job carries it into users_processed.published_at).
 */
export const PIPELINE_TOPIC_CONFIG: ReadonlyArray<{ name: string; value: string }> = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];

/**
 * Creates the topics that do not exist yet, laid out as `layout` says (partitions, replicas,
 * min.insync.replicas; a topic's own numPartitions wins), with PIPELINE_TOPIC_CONFIG; returns the
 * names it created. The only code that creates the pipeline's topics (the apps check, see
 * `requireTopics`).
 */
export async function ensureTopics(
  admin: Pick<Admin, 'listTopics' | 'createTopics'>,
  topics: Array<{ topic: string; numPartitions?: number }>,
  layout: TopicLayout = DEFAULT_TOPIC_LAYOUT,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  const configEntries = [...PIPELINE_TOPIC_CONFIG, { name: 'min.insync.replicas', value: String(layout.minInsyncReplicas) }];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions ?? layout.partitions, replicationFactor: layout.replicationFactor, configEntries })),
  });
  return missing.map((t) => t.topic);
}
