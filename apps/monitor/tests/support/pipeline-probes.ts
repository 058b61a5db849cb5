import { connectAdmin, type CassandraClient } from '@streamline/clients';
import { freePort } from '@streamline/app-runner';
import type { Kafka } from 'kafkajs';

/** A free port for each app's /healthz and /metrics, as the env of one pipeline and its monitor (the monitor finds each app by that app's port variable). */
export async function freeAppPortsEnv(): Promise<Record<string, string>> {
  const vars = ['INGESTOR_HTTP_PORT', 'RELAY_HTTP_PORT', 'SPARK_LAUNCHER_HTTP_PORT', 'WRITER_HTTP_PORT', 'MONITOR_HTTP_PORT'];
  return Object.fromEntries(await Promise.all(vars.map(async (v) => [v, String(await freePort())] as const)));
}

/** Messages on a topic: the sum of its partitions' end offsets. */
export async function topicMessages(kafka: Kafka, topic: string): Promise<number> {
  const admin = await connectAdmin(kafka);
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Rows in a keyspace's created_users; 0 while the writer has not created the table yet. */
export async function storedRows(cassandra: CassandraClient, keyspace: string): Promise<number> {
  try {
    return Number((await cassandra.execute(`SELECT count(*) FROM ${keyspace}.created_users`)).first().get('count'));
  } catch {
    return 0;
  }
}
