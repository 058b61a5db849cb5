import { Partitioners, type Admin, type Message, type PartitionMetadata, type Producer, type ProducerBatch, type RecordMetadata, type TopicMessages } from 'kafkajs';

/**
 * Why this exists: kafkajs 2.2.4 (its last release) can resolve a send without having written every
 * message. When one broker answers a produce request with NOT_LEADER_OR_FOLLOWER and its partitions
 * have moved to a broker that already answered the same send, its retry finds no broker left to ask
 * and resolves (sendMessages.js keeps each answered broker's response and sends only to brokers
 * without one). The cluster suite's rolling broker restart lost 506 of 3,000 users that way, each
 * marked published by the relay. So every message gets its partition here (the default partitioner,
 * murmur2 of the key as kafkajs and the Java client compute it), and what the brokers' answers do
 * not cover is sent again, up to `maxRounds` sends, then the send fails (the caller retries it).
 */
export interface AckedSendOptions {
  /** The number of partitions of a topic (cached: see topicPartitionCounts). */
  partitions: (topic: string) => Promise<number>;
  /** Sends in all, the first included, before giving up on partitions never acknowledged. */
  maxRounds?: number;
  /** Hears of each send that left partitions unacknowledged (the log). */
  onUnacknowledged?: (partitions: string[], round: number) => void;
}

/** A partition count per topic from the cluster's metadata, kept for `ttlMs` (a topic may gain partitions). */
export function topicPartitionCounts(admin: Pick<Admin, 'fetchTopicMetadata'>, ttlMs = 60_000, now = Date.now): (topic: string) => Promise<number> {
  const cache = new Map<string, { count: number; at: number }>();
  return async (topic) => {
    const hit = cache.get(topic);
    if (hit && now() - hit.at < ttlMs) return hit.count;
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = topics[0]?.partitions.length ?? 0;
    if (count === 0) throw new Error(`kafka: topic ${topic} has no partitions in the cluster's metadata`);
    cache.set(topic, { count, at: now() });
    return count;
  };
}

const partitionKey = (topic: string, partition: number) => `${topic}[${partition}]`;

/** `sendBatch` that resolves only once every message's partition was acknowledged (acks 0 is passed through: no answer to check). */
export function ackedSendBatch(producer: Pick<Producer, 'sendBatch'>, options: AckedSendOptions): (batch: ProducerBatch) => Promise<RecordMetadata[]> {
  const partitioner = Partitioners.DefaultPartitioner();
  const maxRounds = options.maxRounds ?? 5;
  return async (batch) => {
    if (batch.acks === 0) return producer.sendBatch(batch);
    // Each message with its partition, grouped by partition (in order within each).
    const pending = new Map<string, { topic: string; partition: number; messages: Message[] }>();
    for (const { topic, messages } of batch.topicMessages ?? []) {
      const count = await options.partitions(topic);
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
      for (const message of messages) {
        const partition = partitioner({ topic, partitionMetadata, message });
        const key = partitionKey(topic, partition);
        const group = pending.get(key) ?? pending.set(key, { topic, partition, messages: [] }).get(key)!;
        // A copy: the caller's message is not changed (a caller may send it again elsewhere).
        group.messages.push({ ...message, partition });
      }
    }
    const acknowledged: RecordMetadata[] = [];
    for (let round = 1; pending.size > 0; round++) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, messages } of pending.values()) {
        const list = byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!;
        for (const message of messages) list.push(message);
      }
      const answers = await producer.sendBatch({ ...batch, topicMessages: [...byTopic].map(([topic, messages]): TopicMessages => ({ topic, messages })) });
      for (const answer of answers) {
        if (answer.errorCode === 0 && pending.delete(partitionKey(answer.topicName, answer.partition))) acknowledged.push(answer);
      }
      if (pending.size === 0) break;
      options.onUnacknowledged?.([...pending.keys()], round);
      if (round >= maxRounds) throw new Error(`kafka acknowledged no write to ${[...pending.keys()].join(', ')} after ${round} sends`);
    }
    return acknowledged;
  };
}

/** The producer with `send` and `sendBatch` that resolve only once every partition written to answered (see above). */
export function withAckedSends(producer: Producer, options: AckedSendOptions): Producer {
  const sendBatch = ackedSendBatch(producer, options);
  // kafkajs's producer is a plain object of closures: a copy with two of them replaced is the same producer.
  return { ...producer, sendBatch, send: ({ topic, messages, ...rest }) => sendBatch({ ...rest, topicMessages: [{ topic, messages }] }) };
}
