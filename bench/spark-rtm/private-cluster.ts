/**
 * A Spark standalone master + worker of this bench's own (free ports, work dirs under /tmp), from the
 * same pyspark as the stack's (or another SPARK_HOME, e.g. a scratch pyspark 4.3.0 venv). The stack's
 * worker has 2 cores, one of them held by the stack's own job, and RTM needs one task slot per Kafka
 * partition at once (3): this worker advertises more cores than the machine has (`--cores`), which the
 * standalone worker accepts. Stopped with SIGTERM by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@streamline/app-runner';
import { sleep, until } from '../measure-window.js';

export interface PrivateCluster {
  masterUrl: string;
  masterUiUrl: string;
  master: ChildProcess;
  worker: ChildProcess;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** The venv whose pyspark runs master and worker (its bin/spark-class, bin/python). */
  venv: string;
  cores: number;
  memory: string;
  logDir: string;
}

function sparkHomeOf(venv: string): string {
  return join(venv, 'lib', 'python3.11', 'site-packages', 'pyspark');
}

export async function startPrivateCluster(options: ClusterOptions): Promise<PrivateCluster> {
  const work = mkdtempSync(join(tmpdir(), 'spark-rtm-cluster-'));
  mkdirSync(options.logDir, { recursive: true });
  const [port, uiPort, workerUiPort] = [await freePort(), await freePort(), await freePort()];
  const env = (role: string) => ({
    ...process.env,
    SPARK_HOME: sparkHomeOf(options.venv),
    SPARK_LOCAL_IP: '127.0.0.1',
    SPARK_DAEMON_MEMORY: '256m',
    SPARK_WORKER_DIR: join(work, 'work'),
    SPARK_LOCAL_DIRS: join(work, `tmp-${role}`),
    PYSPARK_PYTHON: join(options.venv, 'bin', 'python'),
    PATH: `${join(options.venv, 'bin')}:${process.env.PATH}`,
  });
  const run = (role: string, args: string[]) => {
    const child = spawn(join(options.venv, 'bin', 'spark-class'), args, { env: env(role), stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(options.logDir, `private-${role}.log`), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return child;
  };
  const masterUrl = `spark://127.0.0.1:${port}`;
  const masterUiUrl = `http://127.0.0.1:${uiPort}`;
  const master = run('master', ['org.apache.spark.deploy.master.Master', '--host', '127.0.0.1', '--port', String(port), '--webui-port', String(uiPort)]);
  const stopOne = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const exited = new Promise((r) => child.once('exit', r));
    await Promise.race([exited, sleep(15_000)]);
  };
  let worker: ChildProcess | undefined;
  const stop = async () => {
    if (worker) await stopOne(worker);
    await stopOne(master);
  };
  try {
    await until(async () => (await fetch(`${masterUiUrl}/json/`).catch(() => undefined))?.ok === true, 'the private master', 120_000, 500);
    worker = run('worker', [
      'org.apache.spark.deploy.worker.Worker', masterUrl, '--host', '127.0.0.1',
      '--cores', String(options.cores), '--memory', options.memory,
      '--webui-port', String(workerUiPort), '--work-dir', join(work, 'work'),
    ]);
    await until(async () => {
      const json = (await (await fetch(`${masterUiUrl}/json/`)).json()) as { aliveworkers: number };
      return json.aliveworkers >= 1;
    }, 'the private worker to register', 120_000, 500);
  } catch (error) {
    await stop();
    throw error;
  }
  return { masterUrl, masterUiUrl, master, worker, stop };
}
