import { describe, expect, it } from 'vitest';
import { Partitioners, type Message, type ProducerBatch, type RecordMetadata } from 'kafkajs';
import { ackedSendBatch, topicPartitionCounts, withAckedSends } from './acked-send.js';

const answer = (topicName: string, partition: number): RecordMetadata => ({ topicName, partition, errorCode: 0 });

/**
 * A producer that behaves as kafkajs 2.2.4 does when leaders move: on the sends listed in
 * `dropOn`, the messages of `dropped` partitions get no answer (and are not written); every other
 * partition is written and answered.
 */
function fakeProducer(dropped: number[], dropOn: number[]) {
  const written: Array<{ topic: string; partition: number; key: string }> = [];
  const sends: ProducerBatch[] = [];
  return {
    written,
    sends,
    async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
      sends.push(batch);
      const round = sends.length;
      const answered = new Map<string, RecordMetadata>();
      for (const { topic, messages } of batch.topicMessages ?? []) {
        for (const m of messages) {
          if (dropOn.includes(round) && dropped.includes(m.partition!)) continue;
          written.push({ topic, partition: m.partition!, key: String(m.key) });
          answered.set(`${topic}/${m.partition}`, answer(topic, m.partition!));
        }
      }
      return [...answered.values()];
    },
  };
}

const users = (n: number): Message[] => Array.from({ length: n }, (_, i) => ({ key: `user-${i}`, value: Buffer.from(String(i)) }));
const sixPartitions = async () => 6;

describe('ackedSendBatch', () => {
  it('sends again, once, only the partitions a send left unanswered, so every message is written exactly once', async () => {
    const producer = fakeProducer([2, 5], [1]);
    const heard: string[][] = [];
    const send = ackedSendBatch(producer, { partitions: sixPartitions, onUnacknowledged: (p) => heard.push(p) });
    const answers = await send({ acks: -1, topicMessages: [{ topic: 'users_created', messages: users(300) }] });
    expect(producer.sends).toHaveLength(2);
    expect(heard).toEqual([['users_created[2]', 'users_created[5]']]);
    // The second send carries only partitions 2 and 5.
    expect(new Set(producer.sends[1]!.topicMessages![0]!.messages.map((m) => m.partition))).toEqual(new Set([2, 5]));
    expect(producer.written.map((w) => w.key).sort()).toEqual(users(300).map((m) => String(m.key)).sort());
    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('puts each key on the partition kafkajs itself would (murmur2 of the key, as the Java client)', async () => {
    const producer = fakeProducer([], []);
    const messages = users(1000);
    await ackedSendBatch(producer, { partitions: sixPartitions })({ acks: -1, topicMessages: [{ topic: 't', messages }] });
    const native = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: partitionId % 3, replicas: [], isr: [], partitionErrorCode: 0 }));
    const expected = new Map(messages.map((message) => [String(message.key), native({ topic: 't', partitionMetadata, message })]));
    expect(new Map(producer.written.map((w) => [w.key, w.partition]))).toEqual(expected);
    expect(new Set(expected.values()).size).toBe(6);
  });

  it('keeps a partition given by the caller, and the messages of a partition in their order', async () => {
    const producer = fakeProducer([1], [1, 2]);
    const messages = [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: String(i), partition: 1 }));
    await ackedSendBatch(producer, { partitions: sixPartitions })({ acks: -1, topicMessages: [{ topic: 't', messages }] });
    expect(producer.sends).toHaveLength(3);
    expect(producer.written.map((w) => w.key)).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('fails, naming the partitions, when they stay unanswered after maxRounds sends', async () => {
    const producer = fakeProducer([3], [1, 2, 3]);
    const send = ackedSendBatch(producer, { partitions: sixPartitions, maxRounds: 3 });
    const messages = Array.from({ length: 6 }, (_, partition) => ({ key: `p${partition}`, value: 'v', partition }));
    await expect(send({ acks: -1, topicMessages: [{ topic: 't', messages }] })).rejects.toThrow('kafka acknowledged no write to t[3] after 3 sends');
  });

  it('passes acks=0 through (there is no answer to check)', async () => {
    const producer = fakeProducer([0, 1, 2, 3, 4, 5], [1]);
    await ackedSendBatch(producer, { partitions: sixPartitions })({ acks: 0, topicMessages: [{ topic: 't', messages: users(10) }] });
    expect(producer.sends).toHaveLength(1);
  });

  it('send goes through the same check as sendBatch', async () => {
    const base = fakeProducer([4], [1]);
    const producer = withAckedSends({ ...base, send: async () => [] } as never, { partitions: sixPartitions });
    await producer.send({ topic: 'dlq', acks: -1, messages: Array.from({ length: 6 }, (_, partition) => ({ key: 'k', value: 'v', partition })) });
    expect(base.sends).toHaveLength(2);
    expect(base.written.filter((w) => w.partition === 4)).toHaveLength(1);
  });
});

describe('topicPartitionCounts', () => {
  it('asks the cluster once per topic within the ttl, and again after it', async () => {
    let asked = 0;
    let clock = 0;
    const admin = { fetchTopicMetadata: async () => (asked++, { topics: [{ name: 't', partitions: [{}, {}, {}] as never }] }) };
    const counts = topicPartitionCounts(admin, 1_000, () => clock);
    expect(await counts('t')).toBe(3);
    clock = 999;
    expect(await counts('t')).toBe(3);
    expect(asked).toBe(1);
    clock = 1_000;
    await counts('t');
    expect(asked).toBe(2);
  });

  it('says so when the metadata holds no partition of the topic', async () => {
    const counts = topicPartitionCounts({ fetchTopicMetadata: async () => ({ topics: [] }) });
    await expect(counts('gone')).rejects.toThrow('kafka: topic gone has no partitions');
  });
});
