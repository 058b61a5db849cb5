import { describe, expect, it } from 'vitest';
import { ConfigError } from '@streamline/config';
import { loadCassandraWriterConfig } from './config.js';

describe('loadCassandraWriterConfig', () => {
  it('defaults to the pipeline contract', () => {
    const config = loadCassandraWriterConfig({});
    expect(config).toMatchObject({
      topic: 'users_processed',
      dlqTopic: 'users_dlq',
      groupId: 'cassandra-writer',
      fromBeginning: true,
      cassandra: { keyspace: 'spark_streams', table: 'created_users', replication: { strategy: 'SimpleStrategy', factor: 1 } },
      concurrency: 32,
      rowsPerRequest: 6,
      batchSize: 500,
      logLevel: 'info',
    });
    expect(config.connections.cassandra.port).toBe(9042);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes overrides from env (tests use their own topic, group and keyspace)', () => {
    const config = loadCassandraWriterConfig({
      TOPIC_USERS_PROCESSED: 'it_processed',
      TOPIC_USERS_DLQ: 'it_dlq',
      WRITER_GROUP_ID: 'it_group',
      WRITER_FROM_BEGINNING: 'false',
      CASSANDRA_KEYSPACE: 'it_ks_1',
      CASSANDRA_TABLE: 'users_x',
      CASSANDRA_REPLICATION_FACTOR: '3',
      CASSANDRA_REPLICATION_STRATEGY: 'NetworkTopologyStrategy',
      WRITER_CONCURRENCY: '8',
      WRITER_ROWS_PER_REQUEST: '1',
      WRITER_BATCH_SIZE: '50',
      WRITER_SESSION_TIMEOUT_MS: '6000',
    });
    expect(config).toMatchObject({
      topic: 'it_processed',
      dlqTopic: 'it_dlq',
      groupId: 'it_group',
      fromBeginning: false,
      cassandra: { keyspace: 'it_ks_1', table: 'users_x', replication: { strategy: 'NetworkTopologyStrategy', factor: 3 } },
      concurrency: 8,
      rowsPerRequest: 1,
      batchSize: 50,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 2000,
    });
  });

  it('names the variable and its value when a value is bad', () => {
    expect(() => loadCassandraWriterConfig({ WRITER_CONCURRENCY: '0' })).toThrow(ConfigError);
    expect(() => loadCassandraWriterConfig({ WRITER_CONCURRENCY: '0' })).toThrow(/^invalid WRITER_CONCURRENCY="0": /);
    expect(() => loadCassandraWriterConfig({ CASSANDRA_KEYSPACE: 'drop table; x' })).toThrow(/invalid CASSANDRA_KEYSPACE="drop table; x"/);
    expect(() => loadCassandraWriterConfig({ WRITER_FROM_BEGINNING: 'yes' })).toThrow(/invalid WRITER_FROM_BEGINNING="yes"/);
  });
});
