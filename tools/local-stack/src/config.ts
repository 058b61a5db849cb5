import { z } from 'zod';
import {
  APP_HTTP_PORT_VARS,
  APP_HTTP_PORTS,
  type ConnectionConfig,
  DEFAULT_PORTS,
  type Env,
  heap,
  loadConnectionConfig,
  loadStackLayout,
  loadTopicLayout,
  loadTopicNames,
  type PipelineTopics,
  oneOf,
  port,
  positiveInt,
  readVar,
  text,
  type TopicLayout,
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
  /**
   * workerCores are task slots, not CPUs: the default 8 holds two Real-time Mode jobs (one slot per
   * users_created partition: 3 each: the stack's own and a test's or bench's beside it) and a 1-core
   * micro-batch job; advertising more than the machine has is fine (an idle RTM task costs ~3% of a core).
   */
  spark: { workerCores: number; workerMemory: string };
  startTimeoutMs: number;
  /** What the stack provisions once its Kafka and registry serve (libs/provisioning): the topics and their layout. */
  pipeline: { topics: PipelineTopics; topicLayout: TopicLayout };
  /** The pipeline apps the stack runs beside the servers (supervised), and their ports. */
  apps: { enabled: StackApp[]; ports: Record<StackApp, number>; portVars: Record<StackApp, string> };
}

/** The apps that run continuously, in start order (the ingestor and the query tool are one-shot). */
export const STACK_APPS = ['relay', 'spark-launcher', 'cassandra-writer', 'monitor'] as const;
export type StackApp = (typeof STACK_APPS)[number];

/** `STREAMLINE_STACK_APPS`: all (default), none, or a comma-separated subset. */
const appList = z
  .string()
  .default('all')
  .transform((s, ctx) => {
    const v = s.trim();
    if (v === 'all') return [...STACK_APPS];
    if (v === 'none' || v === '') return [];
    const names = v.split(',').map((x) => x.trim());
    const bad = names.filter((n) => !(STACK_APPS as readonly string[]).includes(n));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `expected all, none or a list of ${STACK_APPS.join(', ')} (unknown: ${bad.join(', ')})` });
      return z.NEVER;
    }
    return names as StackApp[];
  });

/** The variable that moves each of the stack's server ports (e.g. to run a second stack beside it). */
export const STACK_PORT_VARS: Readonly<{ [K in keyof typeof DEFAULT_PORTS]: string }> = Object.freeze({
  pg: 'PG_PORT',
  kafka: 'KAFKA_PORT',
  kafkaController: 'KAFKA_CONTROLLER_PORT',
  kafkaSasl: 'KAFKA_SASL_PORT',
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
});

export function loadStackConfig(env: Env = process.env, repoRoot = process.cwd()): StackConfig {
  const layout = loadStackLayout(env, repoRoot);
  const ports = Object.fromEntries(
    Object.entries(STACK_PORT_VARS).map(([key, variable]) => [
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
      workerCores: readVar(env, 'SPARK_WORKER_CORES', positiveInt(8)),
      workerMemory: readVar(env, 'SPARK_WORKER_MEMORY', heap('2g')),
    },
    startTimeoutMs: readVar(env, 'STREAMLINE_STACK_START_TIMEOUT_MS', positiveInt(300_000)),
    pipeline: { topics: loadTopicNames(env), topicLayout: loadTopicLayout(env) },
    apps: {
      enabled: readVar(env, 'STREAMLINE_STACK_APPS', appList),
      ports: Object.fromEntries(STACK_APPS.map((a) => [a, readVar(env, APP_HTTP_PORT_VARS[a], port(APP_HTTP_PORTS[a]))])) as Record<StackApp, number>,
      portVars: Object.fromEntries(STACK_APPS.map((a) => [a, APP_HTTP_PORT_VARS[a]])) as Record<StackApp, string>,
    },
  });
}
