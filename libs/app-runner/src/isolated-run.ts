import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAdmin, createCassandraClient, createKafka, createPgPool } from '@streamline/clients';
import { loadTopicLayout, type ConnectionConfig } from '@streamline/config';
import { provisionPipeline } from '@streamline/provisioning';

export interface IsolatedRun {
  /** Env for every app: its own database, topics, keyspace, consumer group and Spark checkpoint. */
  env: Record<string, string>;
  /** Removes all of it again. */
  drop(): Promise<void>;
}

/**
 * A pipeline run that shares the servers but no data with any other (tests, benchmarks): creates
 * the PostgreSQL database and provisions its topics and subjects (as the stack does for its own);
 * the writer creates its keyspace on start.
 */
export async function createIsolatedRun(config: ConnectionConfig, id: string): Promise<IsolatedRun> {
  const checkpoint = mkdtempSync(join(tmpdir(), `streamline-${id}-`));
  const env: Record<string, string> = {
    PG_DATABASE: id,
    TOPIC_USERS_CREATED: `${id}_created`,
    TOPIC_USERS_PROCESSED: `${id}_processed`,
    TOPIC_USERS_DLQ: `${id}_dlq`,
    CASSANDRA_KEYSPACE: id,
    WRITER_GROUP_ID: `${id}_writer`,
    SPARK_JOB_CHECKPOINT_DIR: checkpoint,
    SPARK_JOB_APP_NAME: id,
    SPARK_LAUNCHER_STATUS_FILE: join(checkpoint, 'launcher-status.json'),
  };
  const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${id}`);
  } finally {
    await admin.end();
  }
  const topics = { created: env.TOPIC_USERS_CREATED!, processed: env.TOPIC_USERS_PROCESSED!, dlq: env.TOPIC_USERS_DLQ! };
  await provisionPipeline(config, topics, loadTopicLayout(process.env));
  return {
    env,
    async drop() {
      const pg = createPgPool(config.pg, { database: 'postgres', max: 1 });
      await pg.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`).finally(() => pg.end());
      const cassandra = createCassandraClient(config.cassandra);
      await cassandra.execute(`DROP KEYSPACE IF EXISTS ${id}`).catch(() => undefined);
      await cassandra.shutdown();
      const kafka = await connectAdmin(createKafka(config.kafka));
      await kafka.deleteTopics({ topics: [env.TOPIC_USERS_CREATED!, env.TOPIC_USERS_PROCESSED!, env.TOPIC_USERS_DLQ!] }).catch(() => undefined);
      await kafka.disconnect();
      rmSync(checkpoint, { recursive: true, force: true });
    },
  };
}
