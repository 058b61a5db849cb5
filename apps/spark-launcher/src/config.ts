import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  type AppBasics,
  bool,
  type Env,
  flagReader,
  heap,
  hostName,
  intInRange,
  loadAppBasics,
  loadStallBound,
  loadStackLayout,
  nonNegativeInt,
  positiveInt,
  readRange,
  readVar,
  sparkMasterUrl,
  text,
  topicName,
  TOPIC_VARS,
  loadTopicLayout,
  type TopicLayout,
  TOPICS,
} from '@streamline/config';
import { defaultCheckpointDir, JOB_OPTIONS, type JobMode } from '@streamline/spark-job-contract';
import { jobChoice, jobDuration, jobNumber, jobOffsets, jobPattern } from './job-option-settings.js';

/** The job's entry point, relative to the repository (or the image's work dir). */
const JOB_FILE = join('apps', 'spark-job', 'users_stream.py');

export interface SparkLauncherConfig extends AppBasics {
  topics: { created: string; processed: string; dlq: string };
  /** How prepare creates the topics when missing (TOPIC_* of libs/config, as every creator). */
  topicLayout: TopicLayout;
  /** Partitions of users_created the job expects (its cores in realtime mode); the layout's by default. */
  topicPartitions: number;
  spark: {
    /** `spark://…` (the cluster) or `local[*]` (`--local`). */
    masterUrl: string;
    submitBin: string;
    python: string;
    /** The Kafka and Avro connector jars for `--jars`; from SPARK_CONNECTOR_JARS, else every jar of `connectorsDir` the job needs. */
    connectorJars: string[] | undefined;
    connectorsDir: string;
    /** Default 1; in realtime mode SPARK_LAUNCHER_TOPIC_PARTITIONS (one slot per source partition). */
    coresMax: number;
    /** Default 1; in realtime mode the cores max (one executor JVM). */
    executorCores: number;
    executorMemory: string;
    driverMemory: string;
    shufflePartitions: number;
    /** Unset: the driver UI is off (spark.ui.enabled=false). */
    uiPort: number | undefined;
    /** Dedupe state in RocksDB (off-heap, bounded) rather than on the executor heap. Fixed at the first start of a checkpoint. */
    rocksDbState: boolean;
    /**
     * spark.authenticate's secret for the driver, from _SPARK_AUTH_SECRET (the variable Spark's master
     * and workers read; the compose stack gives all of them the same one); unset: no authentication.
     */
    authSecret: string | undefined;
    /** The address the driver binds and executors connect back to (SPARK_LOCAL_IP, spark.driver.host); in a container, its hostname. */
    driverHost: string;
  };
  job: {
    /**
     * realtime (the default): Spark's Real-time Mode, stateless, one task slot per source partition; p99
     * staging -> Cassandra well under 1 s (bench/). microbatch: foreachBatch every trigger, with dedupe;
     * seconds of latency, fewer cores.
     */
    mode: JobMode;
    /** Realtime mode: how long each long-running batch lasts (the checkpoint interval), e.g. `5 minutes` (the default). */
    realtimeBatchDuration: string;
    file: string;
    appName: string;
    checkpointDir: string;
    triggerSeconds: number;
    /** Micro-batch mode: the dedupe window on processing time (not the Kafka timestamp), e.g. `10 minutes`. */
    watermark: string;
    /** First start only: later starts resume from the checkpoint. */
    startingOffsets: string;
    maxOffsetsPerTrigger: number;
    /** How long the job waits for the batch in flight when asked to stop. */
    stopTimeoutSeconds: number;
    /** Made-up users run through the job's expressions on the executors before the query starts (0: none). */
    warmUpUsers: number;
  };
  supervisor: {
    minBackoffMs: number;
    maxBackoffMs: number;
    /** A run that lasted this long resets the backoff. */
    stableAfterMs: number;
    /** Restarts in a row before giving up; 0 = never give up. */
    maxRestarts: number;
    /** Graceful stop (stop file), then SIGTERM, then SIGKILL, each after this long. */
    stopTimeoutMs: number;
    /** How long to wait for the schema of the source topic (registered by the relay) before each start. */
    sourceSchemaWaitMs: number;
  };
  /** Runs failing this often (or this long) before the query's next micro-batch are a stall: counted, then /healthz says degraded. */
  stall: { afterAttempts: number; afterMs: number };
  /** Small JSON file with the launcher's state (pid, state, restarts, started_at): `spark-launcher status` reads it. */
  statusFile: string;
}

/** Command-line values; each one, when given, wins over its environment variable. */
export interface SparkLauncherFlags {
  master?: string;
  local?: boolean;
  createdTopic?: string;
  processedTopic?: string;
  dlqTopic?: string;
  checkpointDir?: string;
  statusFile?: string;
  startingOffsets?: string;
  triggerSeconds?: string | number;
}

const jarList = z
  .string()
  .optional()
  .transform((s) => s?.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/\.jar$/, 'expected comma-separated .jar paths')).min(1).optional());

/**
 * Env + defaults (the local stack: `.stack/venv` for spark-submit, `.stack/dist/spark-master/connectors`
 * for the jars), with command-line flags on top. A bad value fails in one line naming the variable
 * (or `--flag`) and the value. Paths are resolved against `repoRoot`.
 */
export function loadSparkLauncherConfig(env: Env = process.env, flags: SparkLauncherFlags = {}, repoRoot = process.cwd()): SparkLauncherConfig {
  const pick = flagReader(env, flags);
  const basics = loadAppBasics(env, 'spark-launcher', 'SPARK_LAUNCHER', { shutdownTimeoutMs: 120_000 });
  const { connections } = basics;
  const stack = loadStackLayout(env, repoRoot);
  const venvBin = join(stack.venv, 'bin');
  const path = (value: string) => resolve(repoRoot, value);
  const uiPort = readVar(env, 'SPARK_JOB_UI_PORT', intInRange(1, 65535).optional());
  // The job's options: each default, bound and choice is the job's own (its contract).
  const option = JOB_OPTIONS;
  const mode = readVar(env, option.mode.env, jobChoice(option.mode));
  const topicLayout = loadTopicLayout(env);
  // Sizes the job's cores only: the topics' partition count is the layout's, for every creator.
  const topicPartitions = readVar(env, 'SPARK_LAUNCHER_TOPIC_PARTITIONS', positiveInt(topicLayout.partitions));
  // Realtime mode runs one long task per source partition at once: that many cores, in one executor.
  const coresMax = readVar(env, 'SPARK_JOB_CORES_MAX', positiveInt(mode === 'realtime' ? topicPartitions : 1));
  // An executor wider than the job's cores never starts: the job would wait for resources forever.
  const executorCores = readRange(
    env,
    'SPARK_JOB_EXECUTOR_CORES',
    'SPARK_JOB_CORES_MAX',
    readVar(env, 'SPARK_JOB_EXECUTOR_CORES', positiveInt(mode === 'realtime' ? coresMax : 1)),
    coresMax,
  ).min;
  const backoff = readRange(
    env,
    'SPARK_LAUNCHER_MIN_BACKOFF_MS',
    'SPARK_LAUNCHER_MAX_BACKOFF_MS',
    readVar(env, 'SPARK_LAUNCHER_MIN_BACKOFF_MS', positiveInt(2_000)),
    readVar(env, 'SPARK_LAUNCHER_MAX_BACKOFF_MS', positiveInt(60_000)),
  );
  return Object.freeze({
    ...basics,
    topics: {
      created: pick('createdTopic', TOPIC_VARS.created, topicName(TOPICS.created)),
      processed: pick('processedTopic', TOPIC_VARS.processed, topicName(TOPICS.processed)),
      dlq: pick('dlqTopic', TOPIC_VARS.dlq, topicName(TOPICS.dlq)),
    },
    topicLayout,
    topicPartitions,
    spark: {
      // Realtime mode needs a thread per source partition, whatever the machine's cores.
      masterUrl: flags.local ? (mode === 'realtime' ? `local[${topicPartitions}]` : 'local[*]') : pick('master', 'SPARK_MASTER_URL', sparkMasterUrl(connections.spark.masterUrl)),
      submitBin: path(readVar(env, 'SPARK_SUBMIT', text(join(venvBin, 'spark-submit')))),
      python: path(readVar(env, 'PYSPARK_PYTHON', text(join(venvBin, 'python')))),
      connectorJars: readVar(env, 'SPARK_CONNECTOR_JARS', jarList)?.map(path),
      connectorsDir: join(stack.dist('spark-master'), 'connectors'),
      coresMax,
      executorCores,
      executorMemory: readVar(env, 'SPARK_JOB_EXECUTOR_MEMORY', heap('512m')),
      driverMemory: readVar(env, 'SPARK_JOB_DRIVER_MEMORY', heap('512m')),
      shufflePartitions: readVar(env, 'SPARK_JOB_SHUFFLE_PARTITIONS', positiveInt(2)),
      uiPort,
      rocksDbState: readVar(env, 'SPARK_JOB_ROCKSDB_STATE', bool(true)),
      authSecret: readVar(env, '_SPARK_AUTH_SECRET', z.string().optional()) || undefined,
      driverHost: readVar(env, 'SPARK_DRIVER_HOST', hostName(readVar(env, 'STREAMLINE_HOST', hostName('127.0.0.1')))),
    },
    job: {
      mode,
      realtimeBatchDuration: readVar(env, option.realtimeBatchDuration.env, jobDuration(option.realtimeBatchDuration)),
      file: path(readVar(env, 'SPARK_JOB_FILE', text(JOB_FILE))),
      appName: readVar(env, option.appName.env, jobPattern(option.appName)),
      checkpointDir: path(pick('checkpointDir', option.checkpointDir.env, text(defaultCheckpointDir(stack.root)))),
      triggerSeconds: pick('triggerSeconds', option.triggerSeconds.env, jobNumber(option.triggerSeconds)),
      watermark: readVar(env, option.watermark.env, jobDuration(option.watermark)),
      startingOffsets: pick('startingOffsets', option.startingOffsets.env, jobOffsets(option.startingOffsets)),
      maxOffsetsPerTrigger: readVar(env, option.maxOffsetsPerTrigger.env, jobNumber(option.maxOffsetsPerTrigger)),
      stopTimeoutSeconds: readVar(env, option.stopTimeoutSeconds.env, jobNumber(option.stopTimeoutSeconds)),
      warmUpUsers: readVar(env, option.warmUpUsers.env, jobNumber(option.warmUpUsers)),
    },
    supervisor: {
      minBackoffMs: backoff.min,
      maxBackoffMs: backoff.max,
      stableAfterMs: readVar(env, 'SPARK_LAUNCHER_STABLE_AFTER_MS', positiveInt(120_000)),
      maxRestarts: readVar(env, 'SPARK_LAUNCHER_MAX_RESTARTS', nonNegativeInt(0)),
      stopTimeoutMs: readVar(env, 'SPARK_LAUNCHER_STOP_TIMEOUT_MS', positiveInt(45_000)),
      sourceSchemaWaitMs: readVar(env, 'SPARK_LAUNCHER_SOURCE_SCHEMA_WAIT_MS', positiveInt(60_000)),
    },
    stall: loadStallBound(env, 'SPARK_LAUNCHER'),
    statusFile: path(pick('statusFile', 'SPARK_LAUNCHER_STATUS_FILE', text(join(stack.data('spark-launcher'), 'status.json')))),
  });
}
