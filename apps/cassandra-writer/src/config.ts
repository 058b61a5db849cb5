import { type AppBasics, bool, boundedInt, ConfigError, type Env, loadAppBasics, loadStallBound, loadUserTable, oneOf, positiveInt, readVar, simpleName, topicName, TOPIC_VARS, TOPICS } from '@streamline/config';

/** `retry`: the backoff while Cassandra, Kafka or the registry is down at start. */
export interface CassandraWriterConfig extends AppBasics {
  /** Topic read (users_processed records, Confluent-framed Avro). */
  topic: string;
  /** Where undecodable or invalid records go, with the reason in headers. */
  dlqTopic: string;
  groupId: string;
  /** A group without committed offsets starts at the earliest offset (true) or the latest one. */
  fromBeginning: boolean;
  cassandra: {
    keyspace: string;
    table: string;
    replication: { strategy: 'SimpleStrategy' | 'NetworkTopologyStrategy'; factor: number };
    requestTimeoutMs: number;
    /** How long a writer waits for another writer's migration before taking it over. */
    migrationWaitMs: number;
  };
  /** Most write requests in flight per partition being processed. */
  concurrency: number;
  /**
   * Rows per request: an UNLOGGED batch of rows whose partitions the same replica owns (1: one
   * INSERT per request). Fewer requests cost Cassandra and the driver less CPU per row.
   */
  rowsPerRequest: number;
  /** Records per write round: written, DLQ'd, then their offsets committed. */
  batchSize: number;
  /** Partitions processed at once (each with up to `concurrency` writes in flight). */
  partitionsConsumedConcurrently: number;
  maxBytesPerPartition: number;
  /** Longest a fetch waits on an idle topic; also bounds how long a stop waits for the fetch in flight. */
  fetchMaxWaitMs: number;
  /** A schema lookup without an answer by then fails the batch (retried), instead of hanging it. */
  registryTimeoutMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  reportIntervalMs: number;
  /** A round failing on the same records this often or this long is a stall: counted, then /healthz says degraded. */
  stall: { afterAttempts: number; afterMs: number };
}

export function loadCassandraWriterConfig(env: Env = process.env): CassandraWriterConfig {
  // Within the broker's default group.min.session.timeout.ms and group.max.session.timeout.ms: outside them it refuses the join.
  const sessionTimeoutMs = readVar(env, 'WRITER_SESSION_TIMEOUT_MS', boundedInt(30_000, 6_000, 1_800_000));
  const heartbeatIntervalMs = readVar(env, 'WRITER_HEARTBEAT_INTERVAL_MS', positiveInt(Math.min(3_000, Math.floor(sessionTimeoutMs / 3))));
  // A heartbeat no more often than the session timeout lets the broker drop a healthy writer from the group.
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new ConfigError('WRITER_HEARTBEAT_INTERVAL_MS', env.WRITER_HEARTBEAT_INTERVAL_MS, `must be less than WRITER_SESSION_TIMEOUT_MS (${sessionTimeoutMs})`);
  }
  return Object.freeze({
    ...loadAppBasics(env, 'cassandra-writer', 'WRITER', { shutdownTimeoutMs: 30_000 }),
    topic: readVar(env, TOPIC_VARS.processed, topicName(TOPICS.processed)),
    dlqTopic: readVar(env, TOPIC_VARS.dlq, topicName(TOPICS.dlq)),
    groupId: readVar(env, 'WRITER_GROUP_ID', simpleName('cassandra-writer')),
    fromBeginning: readVar(env, 'WRITER_FROM_BEGINNING', bool(true)),
    cassandra: {
      ...loadUserTable(env),
      replication: {
        strategy: readVar(env, 'CASSANDRA_REPLICATION_STRATEGY', oneOf(['SimpleStrategy', 'NetworkTopologyStrategy'] as const, 'SimpleStrategy')),
        factor: readVar(env, 'CASSANDRA_REPLICATION_FACTOR', positiveInt(1)),
      },
      requestTimeoutMs: readVar(env, 'CASSANDRA_REQUEST_TIMEOUT_MS', positiveInt(12_000)),
      migrationWaitMs: readVar(env, 'WRITER_MIGRATION_WAIT_MS', positiveInt(60_000)),
    },
    concurrency: readVar(env, 'WRITER_CONCURRENCY', positiveInt(32)),
    // 6 rows of ~650 B stay under Cassandra's 5 KiB batch_size_warn_threshold (8 of the tests' rows did not).
    rowsPerRequest: readVar(env, 'WRITER_ROWS_PER_REQUEST', positiveInt(6)),
    batchSize: readVar(env, 'WRITER_BATCH_SIZE', positiveInt(500)),
    partitionsConsumedConcurrently: readVar(env, 'WRITER_PARTITIONS_CONCURRENTLY', positiveInt(3)),
    maxBytesPerPartition: readVar(env, 'WRITER_MAX_BYTES_PER_PARTITION', positiveInt(1_048_576)),
    fetchMaxWaitMs: readVar(env, 'WRITER_FETCH_MAX_WAIT_MS', positiveInt(1_000)),
    registryTimeoutMs: readVar(env, 'WRITER_REGISTRY_TIMEOUT_MS', positiveInt(30_000)),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    reportIntervalMs: readVar(env, 'WRITER_REPORT_INTERVAL_MS', positiveInt(10_000)),
    stall: loadStallBound(env, 'WRITER'),
  });
}
