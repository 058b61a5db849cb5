import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JOB_OPTIONS, type JobOptionName } from '@streamline/spark-job-contract';
import type { SparkLauncherConfig } from './config.js';
import { SparkSetupError } from './errors.js';

/** The connector jars the job needs that pyspark does not ship (see tools/local-stack spark.ts). */
export const CONNECTOR_JARS = ['spark-sql-kafka-0-10', 'spark-token-provider-kafka-0-10', 'kafka-clients', 'commons-pool2', 'spark-avro'] as const;

const DRIVER_JAVA_OPTIONS = '-XX:TieredStopAtLevel=1';

export interface SparkSubmitCommand {
  command: string;
  args: string[];
  /** Added to the launcher's environment. */
  env: Record<string, string>;
  /** Written (mode 600) before spark-submit starts: what must not be on its command line. */
  privateFiles: Array<{ path: string; text: string }>;
}

export interface JobRunOptions {
  /** The job finishes its batch in flight and exits 0 when this file appears. */
  stopFile: string;
  /** The job stops when this process (the launcher) is gone. */
  supervisorPid: number;
  /** The users_processed writer schema the launcher registered. */
  processedSchemaId?: number;
}

const jarName = (prefix: string) => new RegExp(`^${prefix.replace(/[.]/g, '\\.')}[_-][\\d.]`);

/** SPARK_CONNECTOR_JARS when set, else the five jars found in the connectors folder of the stack. */
export function resolveConnectorJars(spark: SparkLauncherConfig['spark'], listDir: (dir: string) => string[] = readdirSync): string[] {
  if (spark.connectorJars) return [...spark.connectorJars];
  let files: string[];
  try {
    files = listDir(spark.connectorsDir);
  } catch {
    files = [];
  }
  const jars = CONNECTOR_JARS.map((prefix) => files.filter((f) => f.endsWith('.jar') && jarName(prefix).test(f)).sort().at(-1));
  const missing = CONNECTOR_JARS.filter((_, i) => jars[i] === undefined);
  if (missing.length > 0) {
    throw new SparkSetupError(
      `connector jars missing in ${spark.connectorsDir}: ${missing.join(', ')} (run \`npm run stack -- up spark-master\` or set SPARK_CONNECTOR_JARS)`,
    );
  }
  return jars.map((f) => join(spark.connectorsDir, f!));
}

/**
 * The job's Kafka login (its source and sink, streamline_job/kafka_login.py) goes through the
 * environment: a command line is readable by every user of the machine.
 */
function kafkaLoginEnv(sasl: SparkLauncherConfig['connections']['kafka']['sasl']): Record<string, string> {
  if (!sasl) return {};
  return { KAFKA_SASL_MECHANISM: sasl.mechanism, KAFKA_SASL_USERNAME: sasl.username, KAFKA_SASL_PASSWORD: sasl.password };
}

/** The driver's registry login (streamline_job/registry.py), by environment too. */
function registryLoginEnv(auth: SparkLauncherConfig['connections']['registry']['auth']): Record<string, string> {
  return auth ? { SCHEMA_REGISTRY_USERNAME: auth.username, SCHEMA_REGISTRY_PASSWORD: auth.password } : {};
}

/** The spark-submit command line: small, fixed resources (2-core machine), the job and its arguments. */
export function buildSparkSubmit(config: SparkLauncherConfig, jars: string[], run: JobRunOptions): SparkSubmitCommand {
  const { spark, job, topics } = config;
  const conf: Array<[string, string | number]> = [
    ['spark.cores.max', spark.coresMax],
    ['spark.executor.cores', spark.executorCores],
    ['spark.executor.memory', spark.executorMemory],
    ['spark.sql.shuffle.partitions', spark.shufflePartitions],
    // The job's whole-stage code is one processNext of ~14 KB of bytecode: past HotSpot's 8,000-byte
    // limit for huge methods, which it then never JIT-compiles (Spark logs "too long to be JIT
    // compiled"), so every record went through the interpreter.
    ['spark.executor.extraJavaOptions', '-XX:-DontCompileHugeMethods'],
    ...(spark.uiPort === undefined ? [['spark.ui.enabled', 'false'] as [string, string]] : [['spark.ui.port', spark.uiPort] as [string, number]]),
    ['spark.driver.host', spark.driverHost],
    // The secret itself is in a properties file (below): a standalone driver reads it from its conf only.
    ...(spark.authSecret ? [['spark.authenticate', 'true'] as [string, string]] : []),
    ['spark.sql.session.timeZone', 'UTC'],
    // lower() through the JDK, not ICU: ICU's case-mapping tables take ~1 s of the executor's CPU to
    // build on the first micro-batch (a profile), and the job lower-cases only ids and e-mails.
    ['spark.sql.icu.caseMappings.enabled', 'false'],
    // The driver lives for days: keep only recent jobs, stages and queries in its status store.
    ['spark.ui.retainedJobs', 50],
    ['spark.ui.retainedStages', 50],
    ['spark.ui.retainedTasks', 1000],
    ['spark.sql.ui.retainedExecutions', 50],
    ['spark.log.level', 'WARN'],
    ['spark.pyspark.python', spark.python],
    ['spark.pyspark.driver.python', spark.python],
    ...(spark.rocksDbState
      ? ([
          ['spark.sql.streaming.stateStore.providerClass', 'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider'],
          ['spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled', 'true'],
          ['spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage', 'true'],
          ['spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB', '64'],
        ] as Array<[string, string]>)
      : []),
  ];
  // Keyed by the job's option names, so only options the job declares can be passed (tsc checks it).
  const jobArgs: { [name in JobOptionName]?: string | number | undefined } = {
    bootstrapServers: config.connections.kafka.brokers.join(','),
    sourceTopic: topics.created,
    processedTopic: topics.processed,
    dlqTopic: topics.dlq,
    registryUrl: config.connections.registry.url,
    checkpointDir: job.checkpointDir,
    triggerSeconds: job.triggerSeconds,
    watermark: job.watermark,
    startingOffsets: job.startingOffsets,
    maxOffsetsPerTrigger: job.maxOffsetsPerTrigger,
    appName: job.appName,
    stopFile: run.stopFile,
    supervisorPid: run.supervisorPid,
    stopTimeoutSeconds: job.stopTimeoutSeconds,
    processedSchemaId: run.processedSchemaId,
    mode: job.mode,
    realtimeBatchDuration: job.mode === 'realtime' ? job.realtimeBatchDuration : undefined,
    warmUpUsers: job.warmUpUsers,
  };
  const secretProperties = join(dirname(run.stopFile), 'spark-secret.properties');
  return {
    command: spark.submitBin,
    args: [
      ...(spark.authSecret ? ['--properties-file', secretProperties] : []),
      '--master', spark.masterUrl,
      '--deploy-mode', 'client',
      '--name', job.appName,
      '--driver-memory', spark.driverMemory,
      // The driver plans and schedules; it runs no record loop worth C2's compile time. C1 alone took
      // its CPU per user from ~30 to ~16 µs in the Spark stage of `npm run bench` (executors keep C2: +25% there).
      '--driver-java-options', DRIVER_JAVA_OPTIONS,
      '--jars', jars.join(','),
      ...conf.flatMap(([key, value]) => ['--conf', `${key}=${value}`]),
      job.file,
      ...Object.entries(jobArgs).flatMap(([name, value]) => (value === undefined ? [] : [JOB_OPTIONS[name as JobOptionName].flag, String(value)])),
    ],
    env: { SPARK_LOCAL_IP: spark.driverHost, PYSPARK_PYTHON: spark.python, PYTHONUNBUFFERED: '1', ...kafkaLoginEnv(config.connections.kafka.sasl), ...registryLoginEnv(config.connections.registry.auth) },
    privateFiles: spark.authSecret ? [{ path: secretProperties, text: `spark.authenticate.secret=${spark.authSecret}\n` }] : [],
  };
}
