import type { Admin, Kafka, Message } from 'kafkajs';
import { connectProducer, createAvroSerde, createRegistryClient, type CassandraClient, registryHeaders } from '@streamline/clients';
import { loadCassandraWriterConfig, type CassandraWriterConfig } from '../src/config.js';
import { testConnections } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';
import type { UserProcessed } from '@streamline/user-schema';
import { fromRow, selectUsersCql, type StoredUser } from '@streamline/user-table';

export interface TestNames {
  topic: string;
  dlqTopic: string;
  groupId: string;
  keyspace: string;
}

/** Env for a writer on this test's own topic, DLQ, group and keyspace (also passed to child processes). */
export function writerEnv(names: TestNames, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TOPIC_USERS_PROCESSED: names.topic,
    TOPIC_USERS_DLQ: names.dlqTopic,
    WRITER_GROUP_ID: names.groupId,
    CASSANDRA_KEYSPACE: names.keyspace,
    // The broker's minimum: a crashed member is dropped from the group quickly.
    WRITER_SESSION_TIMEOUT_MS: '6000',
    WRITER_REPORT_INTERVAL_MS: '2000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function writerConfig(names: TestNames, extra: Record<string, string> = {}): CassandraWriterConfig {
  const config = loadCassandraWriterConfig({ ...process.env, ...writerEnv(names, extra) });
  return { ...config, connections: testConnections() };
}

/** The writer's topics and `<topic>-value` (users_processed), as the stack provisions them; returns the schema id. */
export async function provisionWriter(names: TestNames): Promise<number> {
  const { schemaIds } = await provisionForTest(testConnections(), { processed: names.topic, dlq: names.dlqTopic });
  return schemaIds[`${names.topic}-value`]!;
}

/**
 * Provisions the writer's topics and subject (`provisionWriter`) and produces the users
 * (key = id, Confluent-framed Avro) followed by `extra` raw messages. Returns the schema id.
 */
export async function produceUsers(
  kafka: Kafka,
  admin: Admin,
  names: TestNames,
  users: readonly UserProcessed[],
  extra: Message[] = [],
): Promise<number> {
  const schemaId = await provisionWriter(names);
  const registry = createRegistryClient(testConnections().registry);
  const serde = createAvroSerde<UserProcessed>(registry, names.topic, { schemaId });
  const messages: Message[] = await Promise.all(users.map(async (u) => ({ key: u.id, value: await serde.serialize(u) })));
  const producer = await connectProducer(kafka);
  try {
    for (let i = 0; i < messages.length; i += 5_000) {
      await producer.send({ topic: names.topic, acks: -1, messages: messages.slice(i, i + 5_000) });
    }
    if (extra.length > 0) await producer.send({ topic: names.topic, acks: -1, messages: extra });
  } finally {
    await producer.disconnect();
  }
  return schemaId;
}

export async function readRows(client: CassandraClient, keyspace: string, table = 'created_users'): Promise<Map<string, StoredUser>> {
  const rows = new Map<string, StoredUser>();
  const rs = await client.execute(selectUsersCql(keyspace, table), [], { prepare: true, fetchSize: 5_000 });
  for await (const row of rs) {
    const user = fromRow(row);
    rows.set(user.id, user);
  }
  return rows;
}

export async function countRows(client: CassandraClient, keyspace: string, table = 'created_users'): Promise<number> {
  const rs = await client.execute(`SELECT count(*) AS n FROM ${keyspace}.${table}`, [], { prepare: false });
  return Number(rs.first().get('n'));
}

/** Committed offset and end offset per partition (committed -1 = nothing committed). */
export async function offsets(admin: Admin, groupId: string, topic: string): Promise<Array<{ partition: number; committed: number; end: number }>> {
  const [group, ends] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
  const committed = new Map(group[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends
    .map((e) => ({ partition: e.partition, committed: committed.get(e.partition) ?? -1, end: Number(e.high) }))
    .sort((a, b) => a.partition - b.partition);
}

export async function dropEverything(
  admin: Admin,
  cassandra: CassandraClient,
  names: TestNames,
): Promise<void> {
  await admin.deleteGroups([names.groupId]).catch(() => undefined);
  await admin.deleteTopics({ topics: [names.topic, names.dlqTopic] }).catch(() => undefined);
  await cassandra.execute(`DROP KEYSPACE IF EXISTS ${names.keyspace}`, [], { prepare: false }).catch(() => undefined);
  const registry = testConnections().registry;
  await fetch(`${registry.url}/subjects/${names.topic}-value`, { method: 'DELETE', headers: registryHeaders(registry) }).catch(() => undefined);
}
