import { describe, expect, it } from 'vitest';
import { ConfigError, type Env } from '@streamline/config';
import {
  type BadValues,
  CONNECTION_FREE_FORM,
  type FreeForm,
  STACK_LAYOUT_FREE_FORM,
  appBasicsBadValues,
  badValueCases,
  configErrorOf,
  settingsRead,
  uncoveredSettings,
} from '@streamline/config/testing';
import { JOB_OPTIONS } from '@streamline/spark-job-contract';
import { type SparkLauncherFlags, loadSparkLauncherConfig } from './config.js';

describe('loadSparkLauncherConfig', () => {
  it('defaults to the local stack, the contract topics and a small Spark footprint', () => {
    const config = loadSparkLauncherConfig({}, {}, '/repo');
    expect(config.topics).toEqual({ created: 'users_created', processed: 'users_processed', dlq: 'users_dlq' });
    expect(config.topicPartitions).toBe(3);
    expect(config.spark).toMatchObject({
      masterUrl: 'spark://127.0.0.1:7077',
      submitBin: '/repo/.stack/venv/bin/spark-submit',
      python: '/repo/.stack/venv/bin/python',
      connectorJars: undefined,
      connectorsDir: '/repo/.stack/dist/spark-master/connectors',
      // Realtime mode, the default: one task slot per partition of users_created (3), in one executor.
      coresMax: 3,
      executorCores: 3,
      executorMemory: '512m',
      driverMemory: '512m',
      shufflePartitions: 2,
      uiPort: undefined,
      rocksDbState: true,
      driverHost: '127.0.0.1',
    });
    expect(config.job).toMatchObject({
      mode: 'realtime',
      realtimeBatchDuration: '5 minutes',
      file: '/repo/apps/spark-job/users_stream.py',
      checkpointDir: '/repo/.stack/data/spark-checkpoints/users_stream',
      triggerSeconds: 5,
      watermark: '10 minutes',
      startingOffsets: 'earliest',
      warmUpUsers: 3000,
    });
    expect(config.statusFile).toBe('/repo/.stack/data/spark-launcher/status.json');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes env, and flags over env', () => {
    const env = {
      STREAMLINE_STACK_DIR: '/stack',
      TOPIC_USERS_CREATED: 'in_env',
      SPARK_CONNECTOR_JARS: 'a.jar, /b/c.jar',
      SPARK_JOB_UI_PORT: '4050',
      SPARK_JOB_WATERMARK: '30 seconds',
      SPARK_JOB_ROCKSDB_STATE: 'false',
    };
    const config = loadSparkLauncherConfig(env, { createdTopic: 'in_flag', checkpointDir: 'ck', triggerSeconds: '0.5' }, '/repo');
    expect(config.topics.created).toBe('in_flag');
    expect(config.spark.connectorJars).toEqual(['/repo/a.jar', '/b/c.jar']);
    expect(config.spark.uiPort).toBe(4050);
    expect(config.spark.rocksDbState).toBe(false);
    expect(loadSparkLauncherConfig({ SPARK_DRIVER_HOST: 'spark-launcher' }).spark.driverHost).toBe('spark-launcher');
    expect(config.spark.submitBin).toBe('/stack/venv/bin/spark-submit');
    expect(config.job.checkpointDir).toBe('/repo/ck');
    expect(config.job.triggerSeconds).toBe(0.5);
    expect(config.job.watermark).toBe('30 seconds');
    expect(loadSparkLauncherConfig({}, { local: true }).spark.masterUrl).toBe('local[3]');
    expect(loadSparkLauncherConfig({ SPARK_JOB_MODE: 'microbatch' }, { local: true }).spark.masterUrl).toBe('local[*]');
    expect(loadSparkLauncherConfig({}, { master: 'local[2]' }).spark.masterUrl).toBe('local[2]');
  });

  it('realtime mode: its batch duration, and one core per source partition in one executor unless set', () => {
    const realtime = loadSparkLauncherConfig({ SPARK_JOB_MODE: 'realtime', SPARK_JOB_REALTIME_BATCH_DURATION: '5 minutes' });
    expect(realtime.job).toMatchObject({ mode: 'realtime', realtimeBatchDuration: '5 minutes' });
    expect(realtime.spark).toMatchObject({ coresMax: 3, executorCores: 3 });
    expect(loadSparkLauncherConfig({ SPARK_JOB_MODE: 'realtime', SPARK_LAUNCHER_TOPIC_PARTITIONS: '6' }).spark).toMatchObject({ coresMax: 6, executorCores: 6 });
    // The topics' layout sizes it too: a cluster's 6 partitions, 6 cores.
    expect(loadSparkLauncherConfig({ SPARK_JOB_MODE: 'realtime', TOPIC_PARTITIONS: '6' })).toMatchObject({ topicPartitions: 6, topicLayout: { partitions: 6 }, spark: { coresMax: 6 } });
    expect(loadSparkLauncherConfig({ SPARK_JOB_MODE: 'realtime', SPARK_JOB_CORES_MAX: '4', SPARK_JOB_EXECUTOR_CORES: '2' }).spark).toMatchObject({ coresMax: 4, executorCores: 2 });
    expect(loadSparkLauncherConfig({ SPARK_JOB_MODE: 'microbatch' }).spark).toMatchObject({ coresMax: 1, executorCores: 1 });
  });

  it('names the variable or flag and its value in one line when a value is bad', () => {
    expect(() => loadSparkLauncherConfig({ SPARK_JOB_EXECUTOR_MEMORY: '512' })).toThrow(ConfigError);
    expect(() => loadSparkLauncherConfig({ SPARK_JOB_EXECUTOR_MEMORY: '512' })).toThrow(/^invalid SPARK_JOB_EXECUTOR_MEMORY="512": /);
    expect(() => loadSparkLauncherConfig({ SPARK_JOB_WATERMARK: 'ten' })).toThrow(/invalid SPARK_JOB_WATERMARK="ten"/);
    expect(() => loadSparkLauncherConfig({ SPARK_CONNECTOR_JARS: 'x.zip' })).toThrow(/invalid SPARK_CONNECTOR_JARS="x.zip"/);
    expect(() => loadSparkLauncherConfig({}, { master: 'mesos://x' })).toThrow(/invalid --master="mesos:\/\/x"/);
    expect(() => loadSparkLauncherConfig({}, { createdTopic: 'bad topic' })).toThrow(/invalid --created-topic="bad topic"/);
    expect(() => loadSparkLauncherConfig({}, { startingOffsets: 'first' })).toThrow(/invalid --starting-offsets="first"/);
    expect(() => loadSparkLauncherConfig({ SPARK_JOB_UI_PORT: '99999' })).toThrow(/invalid SPARK_JOB_UI_PORT="99999"/);
    expect(() => loadSparkLauncherConfig({ SPARK_JOB_MODE: 'continuous' })).toThrow(/^invalid SPARK_JOB_MODE="continuous": /);
    expect(() => loadSparkLauncherConfig({ SPARK_JOB_REALTIME_BATCH_DURATION: '30' })).toThrow(/^invalid SPARK_JOB_REALTIME_BATCH_DURATION="30": /);
  });
});

describe('loadSparkLauncherConfig: every variable and flag refuses a bad value, naming it', () => {
  const load = (env: Env, flags: SparkLauncherFlags = {}) => loadSparkLauncherConfig(env, flags, '/repo');
  const checkedWhenUsed = 'a path; the launcher checks it before spark-submit, naming the variable';
  const free: FreeForm = {
    ...CONNECTION_FREE_FORM,
    ...STACK_LAYOUT_FREE_FORM,
    SPARK_SUBMIT: checkedWhenUsed,
    PYSPARK_PYTHON: checkedWhenUsed,
    SPARK_JOB_FILE: 'a path to the job (the repository\'s by default)',
    SPARK_JOB_CHECKPOINT_DIR: 'a path, relative to the repository or absolute',
    SPARK_LAUNCHER_STATUS_FILE: 'a path, relative to the repository or absolute',
    _SPARK_AUTH_SECRET: 'any secret (Spark checks it; an error would print it)',
  };
  const variables: BadValues = {
    ...appBasicsBadValues('spark-launcher', 'SPARK_LAUNCHER'),
    TOPIC_USERS_CREATED: ['bad topic'],
    TOPIC_USERS_PROCESSED: ['bad/topic'],
    TOPIC_USERS_DLQ: ['dlq!'],
    SPARK_LAUNCHER_TOPIC_PARTITIONS: ['0'],
    TOPIC_PARTITIONS: ['0', 'six'],
    TOPIC_REPLICATION_FACTOR: ['0'],
    TOPIC_MIN_INSYNC_REPLICAS: ['0', '2'],
    SPARK_CONNECTOR_JARS: ['x.zip', 'a.jar,b.zip', ','],
    SPARK_JOB_CORES_MAX: ['0'],
    SPARK_JOB_EXECUTOR_CORES: ['0', '4', { value: '3', env: { SPARK_JOB_CORES_MAX: '2' } }],
    SPARK_JOB_EXECUTOR_MEMORY: ['512'],
    SPARK_JOB_WARM_UP_USERS: ['-1', 'many'],
    SPARK_JOB_DRIVER_MEMORY: ['1 GB'],
    SPARK_JOB_SHUFFLE_PARTITIONS: ['0'],
    SPARK_JOB_UI_PORT: ['99999', '0'],
    SPARK_JOB_ROCKSDB_STATE: ['yes'],
    SPARK_DRIVER_HOST: ['spark launcher'],
    SPARK_JOB_APP_NAME: ['my app'],
    SPARK_JOB_TRIGGER_SECONDS: ['0', 'fast', '-1'],
    SPARK_JOB_WATERMARK: ['ten', '10'],
    SPARK_JOB_MODE: ['continuous', 'Realtime', 'micro-batch'],
    SPARK_JOB_REALTIME_BATCH_DURATION: ['30', 'soon', '30 parsecs'],
    SPARK_JOB_STARTING_OFFSETS: ['first', '{not json', '[1]'],
    SPARK_JOB_MAX_OFFSETS_PER_TRIGGER: ['0'],
    SPARK_JOB_STOP_TIMEOUT_SECONDS: ['0'],
    SPARK_LAUNCHER_MIN_BACKOFF_MS: ['0', '120000'],
    SPARK_LAUNCHER_MAX_BACKOFF_MS: ['0', '1000'],
    SPARK_LAUNCHER_STABLE_AFTER_MS: ['0'],
    SPARK_LAUNCHER_STALL_AFTER_ATTEMPTS: ['0', 'often'],
    SPARK_LAUNCHER_STALL_AFTER_MS: ['0', '1m'],
    SPARK_LAUNCHER_MAX_RESTARTS: ['-1'],
    SPARK_LAUNCHER_STOP_TIMEOUT_MS: ['0'],
    SPARK_LAUNCHER_SOURCE_SCHEMA_WAIT_MS: ['0'],
  };
  const flags: BadValues = {
    '--master': ['mesos://x'],
    '--created-topic': ['bad topic'],
    '--processed-topic': ['a b'],
    '--dlq-topic': ['d?'],
    '--starting-offsets': ['first'],
    '--trigger-seconds': ['0'],
  };
  const freeFlags: FreeForm = { '--local': 'a switch', '--checkpoint-dir': 'a path', '--status-file': 'a path' };
  const read = settingsRead(load);
  const camel = (flag: string) => flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

  it('has a case for every variable and flag it reads (a new setting needs one here)', () => {
    expect(uncoveredSettings(read.variables, variables, free)).toEqual({ untested: [], unread: [] });
    expect(uncoveredSettings(read.flags, flags, freeFlags)).toEqual({ untested: [], unread: [] });
  });

  it("reads each job option's launcher variable named in the job's contract", () => {
    const contractVars = Object.values(JOB_OPTIONS).flatMap((o) => ('env' in o ? [o.env] : []));
    expect(contractVars.length).toBeGreaterThan(10);
    expect(contractVars.filter((name) => !read.variables.includes(name))).toEqual([]);
  });

  it.each(badValueCases(variables))('refuses $name=$value', ({ name, value, env }) => {
    const error = configErrorOf(() => load({ ...env, [name]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
  });

  it.each(badValueCases(flags))('refuses $name $value', ({ name, value }) => {
    const error = configErrorOf(() => load({}, { [camel(name)]: value }));
    expect(error).toMatchObject({ variable: name, value });
  });
});
