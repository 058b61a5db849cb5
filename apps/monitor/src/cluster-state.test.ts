import { describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { readCassandraNodes, readKafkaCluster } from './cluster-state.js';

/** A cluster of brokers 1..3 at kafka-N:29092 where `live` are registered, and the given partition layouts. */
function fakeAdmin(live: number[], partitions: Array<{ leader: number; replicas: number[]; isr: number[] }>, controller = live[0] ?? -1) {
  return {
    describeCluster: async () => ({ brokers: live.map((id) => ({ nodeId: id, host: `kafka-${id}`, port: 29092 })), controller, clusterId: 'c' }),
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({ name, partitions: partitions.map((p, partitionId) => ({ partitionErrorCode: 0, partitionId, ...p })) })),
    }),
  } as unknown as Pick<Admin, 'describeCluster' | 'fetchTopicMetadata'>;
}
const expected = ['kafka-1:29092', 'kafka-2:29092', 'kafka-3:29092'];
const healthy = { leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] };

describe('readKafkaCluster', () => {
  it('every broker up and every partition in sync: nothing degraded', async () => {
    const state = await readKafkaCluster(fakeAdmin([1, 2, 3], [healthy, healthy]), expected, ['a', 'b']);
    expect(state.brokers).toEqual([
      { address: 'kafka-1:29092', id: 1, up: true, controller: true },
      { address: 'kafka-2:29092', id: 2, up: true, controller: false },
      { address: 'kafka-3:29092', id: 3, up: true, controller: false },
    ]);
    expect(state).toMatchObject({ degraded: [], partitions: 4 });
  });

  it('a broker down: it is named down, and the partitions it left are under-replicated; one without a leader is offline', async () => {
    const state = await readKafkaCluster(fakeAdmin([1, 3], [{ leader: 1, replicas: [1, 2, 3], isr: [1, 3] }, healthy, { leader: -1, replicas: [2], isr: [] }], 3), expected, ['t']);
    expect(state.brokers.map((b) => [b.address, b.up, b.controller])).toEqual([
      ['kafka-1:29092', true, false],
      ['kafka-2:29092', false, false],
      ['kafka-3:29092', true, true],
    ]);
    expect(state.degraded).toEqual([
      { topic: 't', partition: 0, replicas: 3, inSync: 2, offline: false },
      { topic: 't', partition: 2, replicas: 1, inSync: 0, offline: true },
    ]);
  });

  it('a broker advertised under another name than the bootstrap list is shown as it advertises itself', async () => {
    const state = await readKafkaCluster(fakeAdmin([1], [healthy]), ['127.0.0.1:9092'], ['t']);
    expect(state.brokers).toEqual([
      { address: '127.0.0.1:9092', id: null, up: false, controller: false },
      { address: 'kafka-1:29092', id: 1, up: true, controller: true },
    ]);
  });
});

describe('readCassandraNodes', () => {
  it('lists the nodes the driver knows, by address, up or down', () => {
    const host = (address: string, up: boolean) => ({ address, datacenter: 'dc1', rack: 'rack1', isUp: () => up });
    expect(readCassandraNodes({ hosts: { values: () => [host('10.0.0.3:9042', false), host('10.0.0.1:9042', true)] } })).toEqual([
      { address: '10.0.0.1:9042', datacenter: 'dc1', rack: 'rack1', up: true },
      { address: '10.0.0.3:9042', datacenter: 'dc1', rack: 'rack1', up: false },
    ]);
  });
});
