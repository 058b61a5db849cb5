// What the monitor says about the servers as clusters: each Kafka broker and Cassandra node up or
// down, and the partitions with fewer replicas in sync than they have (under-replicated) or no
// leader (offline). On one node the same view holds one broker and one node.
import type { Admin } from 'kafkajs';

export interface BrokerState {
  /** host:port as the clients are told it (KAFKA_BROKERS), or as the broker advertises itself. */
  address: string;
  /** The broker's node id while it is registered; null for an expected broker that is not. */
  id: number | null;
  up: boolean;
  controller: boolean;
}

export interface PartitionReplication {
  topic: string;
  partition: number;
  replicas: number;
  inSync: number;
  /** No leader (-1): nothing can be written to or read from it. */
  offline: boolean;
}

export interface KafkaClusterState {
  brokers: BrokerState[];
  /** The pipeline's partitions that are under-replicated or offline (an empty list: all in sync). */
  degraded: PartitionReplication[];
  /** The pipeline's partitions, for the "n of m in sync" line. */
  partitions: number;
}

export interface CassandraNodeState {
  address: string;
  datacenter: string;
  rack: string;
  up: boolean;
}

/**
 * The brokers against the bootstrap list: a broker the clients are told of (`expected`) and the
 * cluster does not list is down; a listed one not in `expected` (advertised under another name)
 * is shown as it advertises itself. Partitions of `topics` missing replicas from their ISR, or
 * without a leader, are listed.
 */
export async function readKafkaCluster(
  admin: Pick<Admin, 'describeCluster' | 'fetchTopicMetadata'>,
  expected: readonly string[],
  topics: readonly string[],
): Promise<KafkaClusterState> {
  const cluster = await admin.describeCluster();
  const live = new Map(cluster.brokers.map((b) => [`${b.host}:${b.port}`, b.nodeId]));
  const brokers: BrokerState[] = expected.map((address) => {
    const id = live.get(address) ?? null;
    return { address, id, up: id !== null, controller: id !== null && id === cluster.controller };
  });
  for (const [address, id] of live) {
    if (!expected.includes(address)) brokers.push({ address, id, up: true, controller: id === cluster.controller });
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  const all = metadata.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, replicas: p.replicas.length, inSync: p.isr.length, offline: p.leader < 0 })));
  return {
    brokers,
    degraded: all.filter((p) => p.offline || p.inSync < p.replicas).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
    partitions: all.length,
  };
}

interface DriverHost {
  address: string;
  datacenter: string;
  rack: string;
  isUp(): boolean;
}

/** The Cassandra nodes the driver knows of (from the cluster's own peers table) and whether it holds them up. */
export function readCassandraNodes(client: { hosts: { values(): DriverHost[] } }): CassandraNodeState[] {
  return client.hosts
    .values()
    .map((h) => ({ address: h.address, datacenter: h.datacenter, rack: h.rack, up: h.isUp() }))
    .sort((a, b) => a.address.localeCompare(b.address));
}
