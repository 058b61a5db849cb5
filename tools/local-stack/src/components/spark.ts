import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { probe, type Component, type StackContext } from '../component.js';
import { resolveWithMaven } from '../maven.js';
import { ensureDir } from '../paths.js';
import { ensureVenv } from '../python.js';

export const SPARK_VERSION = '4.2.0';
/** The PySpark job's tests run with pytest in the same venv; hypothesis fuzzes its cleansing (tests/test_size_policy.py). */
const PYTEST = 'pytest==9.2.0';
const HYPOTHESIS = 'hypothesis==6.170.27';
/** Connectors for the streaming job, matching the pyspark build (Scala 2.13). */
const CONNECTORS = ['spark-sql-kafka-0-10_2.13', 'spark-avro_2.13'];

export const sparkHome = (ctx: StackContext) => join(ctx.paths.venv, 'lib', pythonDir(ctx), 'site-packages', 'pyspark');
function pythonDir(ctx: StackContext): string {
  const lib = join(ctx.paths.venv, 'lib');
  return readdirSync(lib).find((d) => d.startsWith('python')) ?? 'python3';
}
export const connectorsDir = (ctx: StackContext) => join(ctx.paths.dist('spark-master'), 'connectors');

function sparkEnv(ctx: StackContext, role: string): Record<string, string> {
  return {
    SPARK_HOME: sparkHome(ctx),
    SPARK_LOCAL_IP: ctx.config.host,
    SPARK_DAEMON_MEMORY: ctx.config.heaps.sparkDaemon,
    SPARK_WORKER_DIR: ensureDir(join(ctx.paths.data('spark'), 'work')),
    SPARK_LOCAL_DIRS: ensureDir(join(ctx.paths.data('spark'), `tmp-${role}`)),
    PYSPARK_PYTHON: join(ctx.paths.venv, 'bin', 'python'),
    PATH: `${join(ctx.paths.venv, 'bin')}:${process.env.PATH}`,
  };
}

interface MasterJson {
  status: string;
  aliveworkers: number;
  cores: number;
  memory: number;
}

async function masterJson(ctx: StackContext): Promise<MasterJson> {
  const res = await fetch(`${ctx.config.connections.spark.masterUiUrl}/json/`);
  if (!res.ok) throw new Error(`master UI answered ${res.status}`);
  return (await res.json()) as MasterJson;
}

/** Spark standalone master, from the pyspark wheel (which has spark-class but no start scripts). */
export const sparkMaster: Component = {
  name: 'spark-master',
  installKey: `pyspark-${SPARK_VERSION}+connectors+${PYTEST}+${HYPOTHESIS}`,
  installLane: 'python',
  enabled: () => true,
  port: (config) => config.ports.sparkMaster,
  dependsOn: () => [],
  async install(ctx) {
    await ensureVenv(ctx, 'spark-master', [`pyspark==${SPARK_VERSION}`, PYTEST, HYPOTHESIS]);
    await resolveWithMaven({
      name: 'spark-master',
      artifacts: CONNECTORS.map((artifactId) => ({ groupId: 'org.apache.spark', artifactId, version: SPARK_VERSION })),
      outDir: connectorsDir(ctx),
      mavenRepo: ctx.paths.mavenRepo,
      logFile: ctx.paths.log('install-spark-master'),
      reporter: ctx.reporter,
    });
  },
  prepare: async () => undefined,
  launch: (ctx) => ({
    command: join(ctx.paths.venv, 'bin', 'spark-class'),
    args: [
      'org.apache.spark.deploy.master.Master',
      '--host', ctx.config.host,
      '--port', String(ctx.config.ports.sparkMaster),
      '--webui-port', String(ctx.config.ports.sparkMasterUi),
    ],
    // No REST submission server (port 6066, unauthenticated): the launcher submits in client mode.
    env: { ...sparkEnv(ctx, 'master'), SPARK_MASTER_OPTS: '-Dspark.master.rest.enabled=false' },
  }),
  health: (ctx) =>
    probe(async () => {
      const json = await masterJson(ctx);
      if (json.status !== 'ALIVE') throw new Error(`master status ${json.status}`);
      return `master ALIVE, ${json.aliveworkers} alive worker(s)`;
    }),
};

/** One worker, registered with the master (master-worker, as in the seed). */
export const sparkWorker: Component = {
  name: 'spark-worker',
  installKey: 'uses-spark-master-install',
  installLane: 'none',
  enabled: () => true,
  port: (config) => config.ports.sparkWorkerUi,
  dependsOn: () => ['spark-master'],
  install: async () => undefined,
  prepare: async () => undefined,
  launch: (ctx) => ({
    command: join(ctx.paths.venv, 'bin', 'spark-class'),
    args: [
      'org.apache.spark.deploy.worker.Worker',
      ctx.config.connections.spark.masterUrl,
      '--host', ctx.config.host,
      '--cores', String(ctx.config.spark.workerCores),
      '--memory', ctx.config.spark.workerMemory,
      '--webui-port', String(ctx.config.ports.sparkWorkerUi),
      '--work-dir', ensureDir(join(ctx.paths.data('spark'), 'work')),
    ],
    env: sparkEnv(ctx, 'worker'),
  }),
  health: (ctx) =>
    probe(async () => {
      const json = await masterJson(ctx);
      if (json.aliveworkers < 1) throw new Error('no alive worker registered with the master');
      return `${json.aliveworkers} alive worker(s): ${json.cores} cores, ${json.memory} MiB`;
    }),
};
