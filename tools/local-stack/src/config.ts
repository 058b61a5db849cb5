import {
  type ConnectionConfig,
  DEFAULT_PORTS,
  type Env,
  heap,
  loadConnectionConfig,
  loadStackLayout,
  oneOf,
  port,
  positiveInt,
  readVar,
  text,
} from '@streamline/config';

/** Settings of the local stack: where it lives, which ports it binds, how much memory each JVM gets. */
export interface StackConfig {
  dir: string;
  cacheDir: string;
  host: string;
  kafkaMode: 'kraft' | 'zookeeper';
  connections: ConnectionConfig;
  ports: { [K in keyof typeof DEFAULT_PORTS]: number };
  heaps: { kafka: string; zookeeper: string; cassandra: string; registry: string; sparkDaemon: string };
  spark: { workerCores: number; workerMemory: string };
  startTimeoutMs: number;
}

const portVars: { [K in keyof typeof DEFAULT_PORTS]: string } = {
  pg: 'PG_PORT',
  kafka: 'KAFKA_PORT',
  kafkaController: 'KAFKA_CONTROLLER_PORT',
  zookeeper: 'ZOOKEEPER_PORT',
  registry: 'SCHEMA_REGISTRY_PORT',
  registryManagement: 'SCHEMA_REGISTRY_MANAGEMENT_PORT',
  cassandra: 'CASSANDRA_PORT',
  cassandraStorage: 'CASSANDRA_STORAGE_PORT',
  cassandraJmx: 'CASSANDRA_JMX_PORT',
  sparkMaster: 'SPARK_MASTER_PORT',
  sparkMasterUi: 'SPARK_MASTER_UI_PORT',
  sparkWorkerUi: 'SPARK_WORKER_UI_PORT',
  airflow: 'AIRFLOW_PORT',
};

export function loadStackConfig(env: Env = process.env, repoRoot = process.cwd()): StackConfig {
  const layout = loadStackLayout(env, repoRoot);
  const ports = Object.fromEntries(
    Object.entries(portVars).map(([key, variable]) => [
      key,
      readVar(env, variable, port(DEFAULT_PORTS[key as keyof typeof DEFAULT_PORTS])),
    ]),
  ) as StackConfig['ports'];
  return Object.freeze({
    dir: layout.root,
    cacheDir: layout.cacheDir,
    host: readVar(env, 'STREAMLINE_HOST', text('127.0.0.1')),
    kafkaMode: readVar(env, 'KAFKA_MODE', oneOf(['kraft', 'zookeeper'] as const, 'kraft')),
    connections: loadConnectionConfig(env),
    ports,
    heaps: {
      kafka: readVar(env, 'KAFKA_HEAP', heap('512m')),
      zookeeper: readVar(env, 'ZOOKEEPER_HEAP', heap('128m')),
      cassandra: readVar(env, 'CASSANDRA_HEAP', heap('768m')),
      registry: readVar(env, 'SCHEMA_REGISTRY_HEAP', heap('256m')),
      sparkDaemon: readVar(env, 'SPARK_DAEMON_HEAP', heap('256m')),
    },
    spark: {
      workerCores: readVar(env, 'SPARK_WORKER_CORES', positiveInt(2)),
      workerMemory: readVar(env, 'SPARK_WORKER_MEMORY', heap('2g')),
    },
    startTimeoutMs: readVar(env, 'STREAMLINE_STACK_START_TIMEOUT_MS', positiveInt(300_000)),
  });
}
