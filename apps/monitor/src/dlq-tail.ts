// Reads the DLQ topic from its start into the store and keeps following it. A consumer group of
// its own per monitor process that never commits: every start reads the whole DLQ again (dead
// letters are few), and an empty group without offsets is dropped by the broker.
import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { connectConsumer, createAvroSerde, type RegistryClient } from '@streamline/clients';
import type { Logger } from '@streamline/runtime';
import { describeBytes, type DeadLetter, type DlqStore } from './dlq-store.js';

const header = (headers: IHeaders | undefined, name: string): string | null => {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? null : one.toString();
};

/** A dead letter from its Kafka message: the dlq.* headers, the original key and value. */
export async function toDeadLetter(
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset' | 'timestamp'>,
  partition: number,
  decode: (topic: string, value: Buffer) => Promise<Record<string, unknown> | null>,
): Promise<DeadLetter> {
  const sourceTopic = header(message.headers, 'dlq.topic');
  const sourcePartition = header(message.headers, 'dlq.partition');
  let payload: DeadLetter['payload'] = describeBytes(message.value);
  if (message.value && message.value.length > 5 && message.value[0] === 0 && sourceTopic) {
    const record = await decode(sourceTopic, message.value).catch(() => null);
    if (record) payload = { kind: 'record', record };
  }
  return {
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key ? message.key.toString() : null,
    stage: header(message.headers, 'dlq.stage') ?? 'unknown',
    reason: header(message.headers, 'dlq.reason') ?? '(no dlq.reason header)',
    source: { topic: sourceTopic, partition: sourcePartition === null ? null : Number(sourcePartition), offset: header(message.headers, 'dlq.offset') },
    payload,
  };
}

export interface DlqTail {
  /** Subscribed and reading (false while the topic does not exist yet). */
  running(): boolean;
  close(): Promise<void>;
}

/** Follows `topic` into `store`; a missing topic is retried every `retryMs` until it exists. */
export function startDlqTail(options: { kafka: Kafka; registry: RegistryClient; topic: string; store: DlqStore; log: Logger; retryMs: number }): DlqTail {
  const { kafka, registry, topic, store, log } = options;
  const serdes = new Map<string, ReturnType<typeof createAvroSerde<Record<string, unknown>>>>();
  const decode = (source: string, value: Buffer) => {
    let serde = serdes.get(source);
    if (!serde) serdes.set(source, (serde = createAvroSerde<Record<string, unknown>>(registry, source)));
    return serde.deserialize(value);
  };
  let consumer: Consumer | undefined;
  let running = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const attempt = async () => {
    if (closed) return;
    try {
      const admin = kafka.admin();
      await admin.connect();
      const exists = await admin.listTopics().then((topics) => topics.includes(topic)).finally(() => admin.disconnect());
      if (!exists) throw new Error(`topic ${topic} does not exist yet`);
      consumer = await connectConsumer(kafka, { groupId: `streamline-monitor-${randomUUID().slice(0, 8)}`, sessionTimeout: 30_000, maxWaitTimeInMs: 1_000 });
      if (closed) return void (await consumer.disconnect());
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message, partition }) => store.add(await toDeadLetter(message, partition, decode)),
      });
      running = true;
      log.info({ topic }, 'following the DLQ');
    } catch (error) {
      await consumer?.disconnect().catch(() => undefined);
      consumer = undefined;
      log.debug({ topic, err: (error as Error).message }, 'DLQ not readable yet, retrying');
      if (!closed) timer = setTimeout(() => void attempt(), options.retryMs);
    }
  };
  void attempt();
  return {
    running: () => running,
    async close() {
      closed = true;
      clearTimeout(timer);
      running = false;
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}
