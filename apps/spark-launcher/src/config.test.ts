import { describe, expect, it } from 'vitest';
import { ConfigError } from '@streamline/config';
import { loadSparkLauncherConfig } from './config.js';

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
      coresMax: 1,
      executorCores: 1,
      executorMemory: '512m',
      driverMemory: '512m',
      shufflePartitions: 2,
      uiPort: undefined,
      rocksDbState: true,
      driverHost: '127.0.0.1',
    });
    expect(config.job).toMatchObject({
      file: '/repo/apps/spark-job/users_stream.py',
      checkpointDir: '/repo/.stack/data/spark-checkpoints/users_stream',
      triggerSeconds: 5,
      watermark: '10 minutes',
      startingOffsets: 'earliest',
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
    expect(loadSparkLauncherConfig({}, { local: true }).spark.masterUrl).toBe('local[*]');
    expect(loadSparkLauncherConfig({}, { master: 'local[2]' }).spark.masterUrl).toBe('local[2]');
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
  });
});
