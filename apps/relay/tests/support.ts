import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { connectAdmin, createPgPool, type PgPool } from '@streamline/clients';
import type { ConnectionConfig } from '@streamline/config';
import { migrateStaging } from '@streamline/staging';
import { mapApiUser } from '@streamline/user-schema';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';

/** A staging database of the test's own (the outbox is shared by design, so tests must not share it). */
export async function createStagingDatabase(pg: ConnectionConfig['pg'], database: string): Promise<{ pool: PgPool; drop(): Promise<void> }> {
  const admin = createPgPool(pg, { database: 'postgres', max: 1 });
  await admin.query(`CREATE DATABASE ${database}`);
  const pool = createPgPool({ ...pg, database }, { max: 4 });
  await migrateStaging(pool);
  return {
    pool,
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Messages in a topic, all partitions. */
export async function topicMessages(kafka: Kafka, topic: string): Promise<number> {
  const admin = await connectAdmin(kafka);
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** N distinct users shaped like API results, as the ingestor would stage them. */
export function apiUsers(n: number, runId: string, emailPrefix = 'user') {
  return Array.from({ length: n }, (_, i) => {
    const raw = { ...apiUserNumericPostcode, login: { ...apiUserNumericPostcode.login, uuid: randomUUID() }, email: `${emailPrefix}${i}@example.com` };
    return { raw, record: mapApiUser(raw, { source: 'generator', ingestRunId: runId }) };
  });
}
