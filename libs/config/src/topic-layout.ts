import { ConfigError } from './config-error.js';
import { type Env, intInRange, readVar, topicName } from './env-reader.js';
import { TOPICS, TOPIC_VARS } from './names.js';

/**
 * How the pipeline's topics are laid out: read by the one module that creates them
 * (libs/provisioning, run by the local stack's `up`, compose's stack-setup and the tests) and by
 * the launcher, which sizes its realtime slots by the partitions.
 */
export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
  /** The topic's min.insync.replicas: with acks=all, a write needs this many replicas in sync. */
  minInsyncReplicas: number;
}

/** One node: 3 partitions (a Spark task per partition), one replica. */
export const DEFAULT_TOPIC_LAYOUT: Readonly<TopicLayout> = Object.freeze({ partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 });

export const TOPIC_LAYOUT_VARS = Object.freeze({
  partitions: 'TOPIC_PARTITIONS',
  replicationFactor: 'TOPIC_REPLICATION_FACTOR',
  minInsyncReplicas: 'TOPIC_MIN_INSYNC_REPLICAS',
});

export function loadTopicLayout(env: Env): TopicLayout {
  const partitions = readVar(env, TOPIC_LAYOUT_VARS.partitions, intInRange(1, 10_000).default(DEFAULT_TOPIC_LAYOUT.partitions));
  const replicationFactor = readVar(env, TOPIC_LAYOUT_VARS.replicationFactor, intInRange(1, 100).default(DEFAULT_TOPIC_LAYOUT.replicationFactor));
  const minInsyncReplicas = readVar(env, TOPIC_LAYOUT_VARS.minInsyncReplicas, intInRange(1, 100).default(DEFAULT_TOPIC_LAYOUT.minInsyncReplicas));
  if (minInsyncReplicas > replicationFactor) {
    throw new ConfigError(TOPIC_LAYOUT_VARS.minInsyncReplicas, String(minInsyncReplicas), `expected at most ${TOPIC_LAYOUT_VARS.replicationFactor} (${replicationFactor}): no write could be acknowledged`);
  }
  return { partitions, replicationFactor, minInsyncReplicas };
}

/** The pipeline's three topics by role. */
export interface PipelineTopics {
  created: string;
  processed: string;
  dlq: string;
}

/** The topic names from TOPIC_USERS_* (a test run's own topics), else the usual ones. */
export function loadTopicNames(env: Env): PipelineTopics {
  return {
    created: readVar(env, TOPIC_VARS.created, topicName(TOPICS.created)),
    processed: readVar(env, TOPIC_VARS.processed, topicName(TOPICS.processed)),
    dlq: readVar(env, TOPIC_VARS.dlq, topicName(TOPICS.dlq)),
  };
}
