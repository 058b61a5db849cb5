import { Partitioners } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition a keyed message lands on: the producers here use the Java client's murmur2
 * partitioning (libs/clients connectProducer; Spark's Kafka sink is the Java client), so the key
 * and the partition count say where a user's messages are.
 */
export function partitionOf(key: string, partitions: number): number {
  if (!(partitions > 0)) throw new RangeError(`a topic has at least one partition (got ${partitions})`);
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
}
