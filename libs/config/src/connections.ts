import { z } from 'zod';
import { LOG_LEVELS } from '@streamline/runtime';
import {
  type Env,
  boundedText,
  hostList,
  hostName,
  hostPortList,
  nonNegativeInt,
  oneOf,
  port,
  positiveInt,
  readRange,
  readVar,
  simpleName,
  sparkMasterUrl,
  text,
  url,
} from './env-reader.js';
import { ConfigError } from './config-error.js';
import { readStackCredentials } from './stack-credentials.js';

/** PostgreSQL cuts longer names to this many bytes without an error: refused instead. */
const PG_NAME_BYTES = 63;

/** Where the servers are. Defaults match the local stack (`npm run stack -- up`). */
export interface ConnectionConfig {
  /** `password`: PG_PASSWORD, else the local stack's generated one; empty when neither exists. */
  pg: { host: string; port: number; user: string; password: string; database: string };
  /** `retry`: kafkajs' own retry of a failed request (connection, leader moves), exponential with jitter. */
  kafka: {
    brokers: string[];
    clientId: string;
    retry: { retries: number; initialRetryTimeMs: number; maxRetryTimeMs: number };
    /** SASL/SCRAM when KAFKA_SASL_MECHANISM is set (the local broker's SASL listener is on KAFKA_SASL_PORT). */
    sasl?: { mechanism: 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  };
  /** `auth`: HTTP Basic, SCHEMA_REGISTRY_USERNAME/SCHEMA_REGISTRY_PASSWORD, else the local stack's; none: no login. */
  registry: { url: string; auth?: { username: string; password: string } };
  /** `reconnect`: the driver's exponential reconnection to a node that went away. */
  cassandra: {
    contactPoints: string[];
    port: number;
    localDataCenter: string;
    reconnect: { baseDelayMs: number; maxDelayMs: number };
    /**
     * Every read and write (CASSANDRA_CONSISTENCY): LOCAL_QUORUM by default, a majority of the
     * keyspace's replicas in this datacenter (the one node at replication factor 1, 2 of 3 at 3).
     */
    consistency: CassandraConsistency;
    /** PasswordAuthenticator login: CASSANDRA_USERNAME/CASSANDRA_PASSWORD, else the local stack's; none: no auth. */
    auth?: { username: string; password: string };
  };
  spark: { masterUrl: string; masterUiUrl: string };
}

/** The consistency levels an app may ask for, as cassandra-driver names them. */
export const CASSANDRA_CONSISTENCIES = ['localQuorum', 'quorum', 'eachQuorum', 'all', 'localOne', 'one'] as const;
export type CassandraConsistency = (typeof CASSANDRA_CONSISTENCIES)[number];

export const DEFAULT_PORTS = Object.freeze({
  pg: 5433,
  kafka: 9092,
  kafkaController: 9093,
  /** The broker's SASL_PLAINTEXT listener (SCRAM), beside the plain one. */
  kafkaSasl: 9094,
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
  const host = readVar(env, 'STREAMLINE_HOST', hostName('127.0.0.1'));
  const kafkaPort = readVar(env, 'KAFKA_PORT', port(DEFAULT_PORTS.kafka));
  const registryPort = readVar(env, 'SCHEMA_REGISTRY_PORT', port(DEFAULT_PORTS.registry));
  const cassandraPort = readVar(env, 'CASSANDRA_PORT', port(DEFAULT_PORTS.cassandra));
  const sparkPort = readVar(env, 'SPARK_MASTER_PORT', port(DEFAULT_PORTS.sparkMaster));
  const sparkUiPort = readVar(env, 'SPARK_MASTER_UI_PORT', port(DEFAULT_PORTS.sparkMasterUi));
  const kafkaRetry = readRange(
    env,
    'KAFKA_RETRY_INITIAL_MS',
    'KAFKA_RETRY_MAX_MS',
    readVar(env, 'KAFKA_RETRY_INITIAL_MS', positiveInt(300)),
    readVar(env, 'KAFKA_RETRY_MAX_MS', positiveInt(30_000)),
  );
  const kafkaRetryTimes = { initialRetryTimeMs: kafkaRetry.min, maxRetryTimeMs: kafkaRetry.max };
  const reconnect = readRange(
    env,
    'CASSANDRA_RECONNECT_BASE_MS',
    'CASSANDRA_RECONNECT_MAX_MS',
    readVar(env, 'CASSANDRA_RECONNECT_BASE_MS', positiveInt(1_000)),
    readVar(env, 'CASSANDRA_RECONNECT_MAX_MS', positiveInt(60_000)),
  );
  const cassandraReconnect = { baseDelayMs: reconnect.min, maxDelayMs: reconnect.max };
  // Secrets come from env, else from what the local stack generated; never from the repository.
  const generated = readStackCredentials(env);
  const cassandraUser = readVar(env, 'CASSANDRA_USERNAME', z.string().min(1).optional()) ?? generated?.cassandra.username;
  const cassandraPassword = readVar(env, 'CASSANDRA_PASSWORD', z.string().min(1).optional()) ?? generated?.cassandra.password;
  const registryUser = readVar(env, 'SCHEMA_REGISTRY_USERNAME', z.string().regex(/^[^:\s]+$/, 'a user name without colons or spaces').optional()) ?? generated?.registry?.username;
  const registryPassword = readVar(env, 'SCHEMA_REGISTRY_PASSWORD', z.string().min(1).optional()) ?? generated?.registry?.password;
  const saslMechanism = readVar(env, 'KAFKA_SASL_MECHANISM', z.enum(['scram-sha-256', 'scram-sha-512']).optional());
  return Object.freeze({
    pg: {
      host: readVar(env, 'PG_HOST', hostName(host)),
      port: readVar(env, 'PG_PORT', port(DEFAULT_PORTS.pg)),
      user: readVar(env, 'PG_USER', boundedText('streamline', PG_NAME_BYTES, "PostgreSQL's name limit")),
      // Any string is a password.
      password: readVar(env, 'PG_PASSWORD', z.string().default(generated?.pg.password ?? '')),
      database: readVar(env, 'PG_DATABASE', boundedText('streamline', PG_NAME_BYTES, "PostgreSQL's name limit")),
    },
    kafka: {
      brokers: readVar(env, 'KAFKA_BROKERS', hostPortList(`${host.includes(':') ? `[${host}]` : host}:${kafkaPort}`)),
      clientId: readVar(env, 'KAFKA_CLIENT_ID', simpleName('streamline')),
      retry: { retries: readVar(env, 'KAFKA_RETRIES', nonNegativeInt(5)), ...kafkaRetryTimes },
      ...(saslMechanism
        ? {
            sasl: {
              mechanism: saslMechanism,
              username: readVar(env, 'KAFKA_SASL_USERNAME', text(generated?.kafka.username ?? 'streamline')),
              password: saslPassword(env, generated?.kafka.password),
            },
          }
        : {}),
    },
    registry: {
      url: readVar(env, 'SCHEMA_REGISTRY_URL', url(`http://${host}:${registryPort}/apis/ccompat/v7`)),
      ...(registryUser && registryPassword ? { auth: { username: registryUser, password: registryPassword } } : {}),
    },
    cassandra: {
      contactPoints: readVar(env, 'CASSANDRA_CONTACT_POINTS', hostList(host)),
      port: cassandraPort,
      localDataCenter: readVar(env, 'CASSANDRA_LOCAL_DC', simpleName('datacenter1')),
      reconnect: cassandraReconnect,
      consistency: readVar(env, 'CASSANDRA_CONSISTENCY', oneOf(CASSANDRA_CONSISTENCIES, 'localQuorum')),
      ...(cassandraUser && cassandraPassword ? { auth: { username: cassandraUser, password: cassandraPassword } } : {}),
    },
    spark: {
      masterUrl: readVar(env, 'SPARK_MASTER_URL', sparkMasterUrl(`spark://${host}:${sparkPort}`)),
      masterUiUrl: readVar(env, 'SPARK_MASTER_UI_URL', url(`http://${host}:${sparkUiPort}`)),
    },
  });
}

/** KAFKA_SASL_PASSWORD, else the stack's generated one; a mechanism without any is refused. */
function saslPassword(env: Env, generated: string | undefined): string {
  const password = readVar(env, 'KAFKA_SASL_PASSWORD', z.string().optional()) ?? generated;
  if (!password) throw new ConfigError('KAFKA_SASL_PASSWORD', undefined, 'expected the SASL password with KAFKA_SASL_MECHANISM (none set, and the local stack has not generated one)');
  return password;
}

export function loadLogLevel(env: Env = process.env) {
  return readVar(env, 'LOG_LEVEL', oneOf(LOG_LEVELS, 'info'));
}

