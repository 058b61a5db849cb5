import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_MODES, JOB_OPTIONS } from '@streamline/spark-job-contract';
import { loadSparkLauncherConfig } from './config.js';
import { buildSparkSubmit, type JobRunOptions, resolveConnectorJars } from './spark-submit-command.js';
import { SparkSetupError } from './errors.js';

const config = loadSparkLauncherConfig({}, {}, '/repo');
const connectorFiles = [
  'commons-pool2-2.13.1.jar',
  'hadoop-client-api-3.5.0.jar',
  'kafka-clients-3.9.2.jar',
  'scala-library-2.13.15.jar',
  'spark-avro_2.13-4.2.0.jar',
  'spark-sql-kafka-0-10_2.13-4.2.0.jar',
  'spark-tags_2.13-4.2.0.jar',
  'spark-token-provider-kafka-0-10_2.13-4.2.0.jar',
];

const confOf = (args: string[]) =>
  Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === '--conf' ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
const flagOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('resolveConnectorJars', () => {
  it('picks the five connector jars of the stack, not the rest of the folder', () => {
    expect(resolveConnectorJars(config.spark, () => connectorFiles)).toEqual([
      '/repo/.stack/dist/spark-master/connectors/spark-sql-kafka-0-10_2.13-4.2.0.jar',
      '/repo/.stack/dist/spark-master/connectors/spark-token-provider-kafka-0-10_2.13-4.2.0.jar',
      '/repo/.stack/dist/spark-master/connectors/kafka-clients-3.9.2.jar',
      '/repo/.stack/dist/spark-master/connectors/commons-pool2-2.13.1.jar',
      '/repo/.stack/dist/spark-master/connectors/spark-avro_2.13-4.2.0.jar',
    ]);
  });

  it('takes SPARK_CONNECTOR_JARS as given', () => {
    const spark = loadSparkLauncherConfig({ SPARK_CONNECTOR_JARS: '/j/a.jar,/j/b.jar' }).spark;
    expect(resolveConnectorJars(spark, () => [])).toEqual(['/j/a.jar', '/j/b.jar']);
  });

  it('names the missing jars and how to get them', () => {
    const call = () => resolveConnectorJars(config.spark, () => connectorFiles.filter((f) => !f.startsWith('spark-avro')));
    expect(call).toThrow(SparkSetupError);
    expect(call).toThrow(/connector jars missing in \/repo\/.stack\/dist\/spark-master\/connectors: spark-avro \(run `npm run stack -- up spark-master`/);
    expect(() => resolveConnectorJars(config.spark, () => { throw new Error('ENOENT'); })).toThrow(/spark-sql-kafka-0-10, .*spark-avro/);
  });
});

describe('buildSparkSubmit', () => {
  const run = { stopFile: '/run/stop-1', supervisorPid: 4242, processedSchemaId: 17 };

  it('submits the job to the master with small fixed resources and the connector jars', () => {
    const cmd = buildSparkSubmit(config, ['/j/a.jar', '/j/b.jar'], run);
    expect(cmd.command).toBe('/repo/.stack/venv/bin/spark-submit');
    expect(flagOf(cmd.args, '--master')).toBe('spark://127.0.0.1:7077');
    expect(flagOf(cmd.args, '--deploy-mode')).toBe('client');
    expect(flagOf(cmd.args, '--driver-memory')).toBe('512m');
    expect(flagOf(cmd.args, '--driver-java-options')).toBe('-XX:TieredStopAtLevel=1');
    expect(flagOf(cmd.args, '--jars')).toBe('/j/a.jar,/j/b.jar');
    expect(confOf(cmd.args)).toMatchObject({
      // Realtime mode, the default: one core per source partition (3), in one executor.
      'spark.cores.max': '3',
      'spark.executor.cores': '3',
      'spark.executor.memory': '512m',
      'spark.sql.shuffle.partitions': '2',
      // The job's whole-stage method is past HotSpot's huge-method limit: compiled only with this.
      'spark.executor.extraJavaOptions': '-XX:-DontCompileHugeMethods',
      'spark.ui.enabled': 'false',
      'spark.sql.session.timeZone': 'UTC',
      'spark.sql.icu.caseMappings.enabled': 'false',
      'spark.sql.ui.retainedExecutions': '50',
      'spark.driver.host': '127.0.0.1',
      'spark.sql.streaming.stateStore.providerClass': 'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider',
    });
    expect(cmd.env).toMatchObject({ SPARK_LOCAL_IP: '127.0.0.1', PYSPARK_PYTHON: '/repo/.stack/venv/bin/python' });
  });

  it('authenticates to Spark and Kafka with secrets passed in the environment, none on the command line', () => {
    const env = {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'streamline',
      KAFKA_SASL_PASSWORD: 'kafka-password-0123456789',
      _SPARK_AUTH_SECRET: 'rpc-secret-0123456789',
    };
    const cmd = buildSparkSubmit(loadSparkLauncherConfig(env, {}, '/repo'), ['/j/a.jar'], run);
    expect(confOf(cmd.args)).toMatchObject({ 'spark.authenticate': 'true' });
    // A standalone driver takes the secret from its conf only: a properties file, written mode 600.
    expect(flagOf(cmd.args, '--properties-file')).toBe('/run/spark-secret.properties');
    expect(cmd.privateFiles).toEqual([{ path: '/run/spark-secret.properties', text: 'spark.authenticate.secret=rpc-secret-0123456789\n' }]);
    expect(cmd.env).toMatchObject({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'streamline', KAFKA_SASL_PASSWORD: 'kafka-password-0123456789' });
    const line = cmd.args.join(' ');
    expect(line).not.toContain('kafka-password');
    expect(line).not.toContain('rpc-secret');
    // Without a secret, no authentication is asked of the cluster (the local stack's Spark has none).
    const plain = buildSparkSubmit(config, ['/j/a.jar'], run);
    expect(confOf(plain.args)['spark.authenticate']).toBeUndefined();
    expect([plain.args.includes('--properties-file'), plain.privateFiles]).toEqual([false, []]);
  });

  it('passes the job its topics, registry, checkpoint, trigger and stop handles after the job file', () => {
    const cmd = buildSparkSubmit(config, ['/j/a.jar'], run);
    const jobArgs = cmd.args.slice(cmd.args.indexOf(config.job.file) + 1);
    expect(jobArgs).toEqual([
      '--bootstrap-servers', '127.0.0.1:9092',
      '--source-topic', 'users_created',
      '--processed-topic', 'users_processed',
      '--dlq-topic', 'users_dlq',
      '--registry-url', 'http://127.0.0.1:8081/apis/ccompat/v7',
      '--checkpoint-dir', '/repo/.stack/data/spark-checkpoints/users_stream',
      '--trigger-seconds', '5',
      '--watermark', '10 minutes',
      '--starting-offsets', 'earliest',
      '--max-offsets-per-trigger', '50000',
      '--app-name', 'streamline-users-stream',
      '--stop-file', '/run/stop-1',
      '--supervisor-pid', '4242',
      '--stop-timeout-seconds', '30',
      '--processed-schema-id', '17',
      '--mode', 'realtime',
      '--realtime-batch-duration', '5 minutes',
      '--warm-up-users', '3000',
    ]);
  });

  it('microbatch mode: passes the mode alone, and asks for one core', () => {
    const microbatch = loadSparkLauncherConfig({ SPARK_JOB_MODE: 'microbatch' }, {}, '/repo');
    const cmd = buildSparkSubmit(microbatch, ['/j/a.jar'], run);
    expect(cmd.args.slice(-4)).toEqual(['--mode', 'microbatch', '--warm-up-users', '3000']);
    expect(confOf(cmd.args)).toMatchObject({ 'spark.cores.max': '1', 'spark.executor.cores': '1' });
  });

  it('realtime mode: passes the mode and batch duration, and asks for one core per source partition in one executor', () => {
    const realtime = loadSparkLauncherConfig({ SPARK_JOB_MODE: 'realtime', SPARK_JOB_REALTIME_BATCH_DURATION: '1 minute' }, {}, '/repo');
    const cmd = buildSparkSubmit(realtime, ['/j/a.jar'], run);
    const jobArgs = cmd.args.slice(cmd.args.indexOf(realtime.job.file) + 1);
    expect(jobArgs.slice(-6, -2)).toEqual(['--mode', 'realtime', '--realtime-batch-duration', '1 minute']);
    expect(confOf(cmd.args)).toMatchObject({ 'spark.cores.max': '3', 'spark.executor.cores': '3' });
  });

  it('follows the config: local master, UI port, heap state store, overridden topics', () => {
    const local = loadSparkLauncherConfig(
      { SPARK_JOB_UI_PORT: '4041', SPARK_JOB_ROCKSDB_STATE: 'false', KAFKA_BROKERS: 'k1:9092,k2:9092' },
      { local: true, createdTopic: 'it_in', processedTopic: 'it_out', dlqTopic: 'it_dlq' },
      '/repo',
    );
    const cmd = buildSparkSubmit(local, [], { stopFile: '/s', supervisorPid: 1 });
    expect(flagOf(cmd.args, '--master')).toBe('local[3]');
    expect(confOf(cmd.args)['spark.ui.port']).toBe('4041');
    expect(confOf(cmd.args)['spark.ui.enabled']).toBeUndefined();
    expect(confOf(cmd.args)['spark.sql.streaming.stateStore.providerClass']).toBeUndefined();
    expect([flagOf(cmd.args, '--source-topic'), flagOf(cmd.args, '--processed-topic'), flagOf(cmd.args, '--dlq-topic')]).toEqual(['it_in', 'it_out', 'it_dlq']);
    expect(flagOf(cmd.args, '--bootstrap-servers')).toBe('k1:9092,k2:9092');
    expect(cmd.args).not.toContain('--processed-schema-id');
  });
});

describe('buildSparkSubmit and the job contract (libs/spark-job-contract)', () => {
  const declared = new Map(Object.values(JOB_OPTIONS).map((o) => [o.flag as string, o]));
  const jobArgsOf = (c: typeof config, run: JobRunOptions) => {
    const args = buildSparkSubmit(c, ['/j/a.jar'], run).args;
    const after = args.slice(args.indexOf(c.job.file) + 1);
    return new Map(after.flatMap((arg, i) => (i % 2 === 0 ? [[arg, after[i + 1]!] as const] : [])));
  };
  const modes = JOB_MODES.map((mode) => loadSparkLauncherConfig({ SPARK_JOB_MODE: mode }, {}, '/repo'));

  it.each(modes.map((c) => [c.job.mode, c] as const))('%s mode: passes only flags the job declares', (_mode, c) => {
    const flags = [...jobArgsOf(c, { stopFile: '/s', supervisorPid: 1, processedSchemaId: 2 }).keys()];
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((flag) => !declared.has(flag))).toEqual([]);
  });

  it('with no settings, passes the job its own defaults (the connections and topics agree with them)', () => {
    const passed = jobArgsOf(loadSparkLauncherConfig({}, {}, '/repo'), { stopFile: '/s', supervisorPid: 1 });
    const differing = [...passed].filter(([flag, value]) => {
      const own = declared.get(flag)!.default;
      if (own === null) return false; // per-run values: the stop file, the launcher's pid
      return value !== (flag === '--checkpoint-dir' ? resolve('/repo', String(own)) : String(own));
    });
    expect(differing).toEqual([]);
    expect(passed.size).toBe(Object.values(JOB_OPTIONS).filter((o) => 'env' in o).length + 2);
  });
});
