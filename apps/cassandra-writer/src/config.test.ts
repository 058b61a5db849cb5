import { describe, expect, it } from 'vitest';
import { ConfigError } from '@streamline/config';
import { type BadValues, CONNECTION_FREE_FORM, appBasicsBadValues, badValueCases, configErrorOf, settingsRead, uncoveredSettings } from '@streamline/config/testing';
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

describe('loadCassandraWriterConfig: every variable refuses a bad value, naming it', () => {
  const table: BadValues = {
    ...appBasicsBadValues('cassandra-writer', 'WRITER'),
    TOPIC_USERS_PROCESSED: ['bad topic'],
    TOPIC_USERS_DLQ: ['dlq!'],
    WRITER_GROUP_ID: ['my group'],
    WRITER_FROM_BEGINNING: ['yes', 'TRUE'],
    CASSANDRA_KEYSPACE: ['drop table; x', '1ks'],
    CASSANDRA_TABLE: ['users-x'],
    CASSANDRA_REPLICATION_STRATEGY: ['Simple'],
    CASSANDRA_REPLICATION_FACTOR: ['0', 'three'],
    CASSANDRA_REQUEST_TIMEOUT_MS: ['0'],
    WRITER_MIGRATION_WAIT_MS: ['0'],
    WRITER_CONCURRENCY: ['0', '8.5'],
    WRITER_ROWS_PER_REQUEST: ['0'],
    WRITER_BATCH_SIZE: ['0'],
    WRITER_PARTITIONS_CONCURRENTLY: ['0'],
    WRITER_MAX_BYTES_PER_PARTITION: ['1MB'],
    WRITER_FETCH_MAX_WAIT_MS: ['0'],
    WRITER_REGISTRY_TIMEOUT_MS: ['0'],
    // The broker's default bounds refuse a join outside 6 s - 30 min.
    WRITER_SESSION_TIMEOUT_MS: ['1000', '1800001'],
    WRITER_HEARTBEAT_INTERVAL_MS: ['0', '30000', { value: '6000', env: { WRITER_SESSION_TIMEOUT_MS: '6000' } }],
    WRITER_REPORT_INTERVAL_MS: ['0'],
    WRITER_STALL_AFTER_ATTEMPTS: ['0', 'often'],
    WRITER_STALL_AFTER_MS: ['0', '1m'],
  };

  it('has a case for every variable it reads (a new variable needs one here)', () => {
    expect(uncoveredSettings(settingsRead(loadCassandraWriterConfig).variables, table, CONNECTION_FREE_FORM)).toEqual({ untested: [], unread: [] });
  });

  it.each(badValueCases(table))('refuses $name=$value', ({ name, value, env }) => {
    const error = configErrorOf(() => loadCassandraWriterConfig({ ...env, [name]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
  });
});
