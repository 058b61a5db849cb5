import { Kafka, Partitioners, logLevel, type ConfigResourceTypes, type SASLOptions, type Admin, type Consumer, type ConsumerConfig, type Producer, type ProducerConfig } from 'kafkajs';
import type { ConnectionConfig } from '@streamline/config';
import type { Logger } from '@streamline/runtime';
import { topicPartitionCounts, withAckedSends } from './acked-send.js';

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function scram(sasl: NonNullable<ConnectionConfig['kafka']['sasl']>): SASLOptions {
  const { username, password } = sasl;
  return sasl.mechanism === 'scram-sha-256' ? { mechanism: 'scram-sha-256', username, password } : { mechanism: 'scram-sha-512', username, password };
}

/** kafkajs logs through our pino logger; `quiet` hides its connection chatter (health probes). */
export function createKafka(config: ConnectionConfig['kafka'], log?: Logger, options: { quiet?: boolean } = {}): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    // SCRAM over the broker's SASL listener when configured (kafkajs speaks SASL_PLAINTEXT without `ssl`).
    ...(config.sasl ? { sasl: scram(config.sasl) } : {}),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { retries: config.retry.retries, initialRetryTime: config.retry.initialRetryTimeMs, maxRetryTime: config.retry.maxRetryTimeMs },
    logLevel: options.quiet || !log ? logLevel.NOTHING : logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...extra } = entry;
        log?.child({ component: 'kafkajs' })[levelNames[level] ?? 'info'](extra, message);
      },
  });
}

/**
 * An idempotent producer: with kafkajs this implies acks=all on every send and at most 5 requests
 * in flight, so a retried batch is never written twice nor reordered. Its sends resolve only once
 * every partition written to acknowledged (acked-send.ts: kafkajs alone can drop a partition's
 * messages when leaders move); an admin client of its own reads the topics' partition counts.
 */
export async function connectProducer(kafka: Kafka, overrides: ProducerConfig = {}): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    // The Java client's murmur2 partitioning: the same key lands on the same partition as with any other client.
    createPartitioner: Partitioners.DefaultPartitioner,
    ...overrides,
  });
  const admin = kafka.admin();
  const disconnect = async () => void (await Promise.allSettled([producer.disconnect(), admin.disconnect()]));
  try {
    await Promise.all([producer.connect(), admin.connect()]);
  } catch (error) {
    await disconnect();
    throw error;
  }
  const acked = withAckedSends(producer, {
    partitions: topicPartitionCounts(admin),
    onUnacknowledged: (partitions, round) => kafka.logger().warn('a send resolved without these partitions acknowledged: sending them again', { partitions, round }),
  });
  return { ...acked, disconnect };
}

/** A consumer that commits only when told to (offsets follow durable writes downstream). */
export async function connectConsumer(kafka: Kafka, config: ConsumerConfig): Promise<Consumer> {
  const consumer = kafka.consumer({ allowAutoTopicCreation: false, ...config });
  await consumer.connect();
  return consumer;
}

export async function connectAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

/**
 * The topic's max.message.bytes as the broker applies it (its own setting, else the broker's
 * default): the most a record batch for one of its partitions may hold.
 */
export async function topicMaxMessageBytes(admin: Admin, topic: string): Promise<number> {
  // ConfigResourceTypes.TOPIC: kafkajs' CommonJS build does not give the enum to an ESM import by name.
  const type = 2 as ConfigResourceTypes;
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type, name: topic, configNames: ['max.message.bytes'] }] });
  const value = Number(resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`topic ${topic} reported no max.message.bytes`);
  return value;
}

/** The broker refused a produce request for its size (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE): sending it again would be refused again. */
export function isMessageTooLarge(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    const { type, cause, originalError } = current as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') return true;
    current = cause ?? originalError;
  }
  return false;
}
