import { LOG_LEVELS } from '@streamline/runtime';
import { type Env, list, nonNegativeInt, oneOf, port, positiveInt, readVar, text, url } from './env-reader.js';

/** Where the servers are. Defaults match the local stack (`npm run stack -- up`). */
export interface ConnectionConfig {
  pg: { host: string; port: number; user: string; password: string; database: string };
  /** `retry`: kafkajs' own retry of a failed request (connection, leader moves), exponential with jitter. */
  kafka: { brokers: string[]; clientId: string; retry: { retries: number; initialRetryTimeMs: number; maxRetryTimeMs: number } };
  registry: { url: string };
  /** `reconnect`: the driver's exponential reconnection to a node that went away. */
  cassandra: { contactPoints: string[]; port: number; localDataCenter: string; reconnect: { baseDelayMs: number; maxDelayMs: number } };
  spark: { masterUrl: string; masterUiUrl: string };
}

export const DEFAULT_PORTS = Object.freeze({
  pg: 5433,
  kafka: 9092,
  kafkaController: 9093,
  zookeeper: 2181,
  registry: 8081,
  registryManagement: 8082,
  cassandra: 9042,
  cassandraStorage: 7000,
  cassandraJmx: 7199,
  sparkMaster: 7077,
  sparkMasterUi: 8090,
  sparkWorkerUi: 8091,
  airflow: 8080,
});

export function loadConnectionConfig(env: Env = process.env): ConnectionConfig {
  const host = readVar(env, 'STREAMLINE_HOST', text('127.0.0.1'));
  const kafkaPort = readVar(env, 'KAFKA_PORT', port(DEFAULT_PORTS.kafka));
  const registryPort = readVar(env, 'SCHEMA_REGISTRY_PORT', port(DEFAULT_PORTS.registry));
  const cassandraPort = readVar(env, 'CASSANDRA_PORT', port(DEFAULT_PORTS.cassandra));
  const sparkPort = readVar(env, 'SPARK_MASTER_PORT', port(DEFAULT_PORTS.sparkMaster));
  const sparkUiPort = readVar(env, 'SPARK_MASTER_UI_PORT', port(DEFAULT_PORTS.sparkMasterUi));
  return Object.freeze({
    pg: {
      host: readVar(env, 'PG_HOST', text(host)),
      port: readVar(env, 'PG_PORT', port(DEFAULT_PORTS.pg)),
      user: readVar(env, 'PG_USER', text('streamline')),
      password: readVar(env, 'PG_PASSWORD', text('streamline')),
      database: readVar(env, 'PG_DATABASE', text('streamline')),
    },
    kafka: {
      brokers: readVar(env, 'KAFKA_BROKERS', list(`${host}:${kafkaPort}`)),
      clientId: readVar(env, 'KAFKA_CLIENT_ID', text('streamline')),
      retry: {
        retries: readVar(env, 'KAFKA_RETRIES', nonNegativeInt(5)),
        initialRetryTimeMs: readVar(env, 'KAFKA_RETRY_INITIAL_MS', positiveInt(300)),
        maxRetryTimeMs: readVar(env, 'KAFKA_RETRY_MAX_MS', positiveInt(30_000)),
      },
    },
    registry: {
      url: readVar(env, 'SCHEMA_REGISTRY_URL', url(`http://${host}:${registryPort}/apis/ccompat/v7`)),
    },
    cassandra: {
      contactPoints: readVar(env, 'CASSANDRA_CONTACT_POINTS', list(host)),
      port: cassandraPort,
      localDataCenter: readVar(env, 'CASSANDRA_LOCAL_DC', text('datacenter1')),
      reconnect: {
        baseDelayMs: readVar(env, 'CASSANDRA_RECONNECT_BASE_MS', positiveInt(1_000)),
        maxDelayMs: readVar(env, 'CASSANDRA_RECONNECT_MAX_MS', positiveInt(60_000)),
      },
    },
    spark: {
      masterUrl: readVar(env, 'SPARK_MASTER_URL', text(`spark://${host}:${sparkPort}`)),
      masterUiUrl: readVar(env, 'SPARK_MASTER_UI_URL', url(`http://${host}:${sparkUiPort}`)),
    },
  });
}

export function loadLogLevel(env: Env = process.env) {
  return readVar(env, 'LOG_LEVEL', oneOf(LOG_LEVELS, 'info'));
}

