/**
 * A Spark standalone master + worker of one test's own (free ports, work dirs under the test's
 * folder), from the stack's pyspark: the stack's worker is shared and may have fewer free cores than
 * Real-time Mode needs (one per source partition). The worker advertises `cores` whatever the
 * machine has: cores are task slots. Stopped with SIGTERM by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@streamline/app-runner';
import { waitFor } from '@streamline/testing';

export interface PrivateSparkCluster {
  masterUrl: string;
  masterUiUrl: string;
  stop(): Promise<void>;
}

function sparkHomeOf(venv: string): string {
  const lib = join(venv, 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python3'));
  if (!python) throw new Error(`no python3.* in ${lib}`);
  return join(lib, python, 'site-packages', 'pyspark');
}

export async function startPrivateSparkCluster(options: { venv: string; cores: number; memory: string; workDir: string }): Promise<PrivateSparkCluster> {
  const { venv, workDir } = options;
  mkdirSync(workDir, { recursive: true });
  const [port, uiPort, workerUiPort] = [await freePort(), await freePort(), await freePort()];
  const env = (role: string) => ({
    ...process.env,
    SPARK_HOME: sparkHomeOf(venv),
    SPARK_LOCAL_IP: '127.0.0.1',
    SPARK_DAEMON_MEMORY: '192m',
    SPARK_WORKER_DIR: join(workDir, 'work'),
    SPARK_LOCAL_DIRS: join(workDir, `tmp-${role}`),
    PYSPARK_PYTHON: join(venv, 'bin', 'python'),
    PATH: `${join(venv, 'bin')}:${process.env.PATH ?? ''}`,
  });
  const children: ChildProcess[] = [];
  const run = (role: string, args: string[]) => {
    const child = spawn(join(venv, 'bin', 'spark-class'), args, { env: env(role), stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(workDir, `${role}.log`), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.push(child);
    return child;
  };
  const stopOne = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  // Worker first, then master.
  const stop = async () => {
    for (const child of [...children].reverse()) await stopOne(child);
  };
  const masterUrl = `spark://127.0.0.1:${port}`;
  const masterUiUrl = `http://127.0.0.1:${uiPort}`;
  const masterJson = async () => (await (await fetch(`${masterUiUrl}/json/`)).json()) as { aliveworkers: number };
  try {
    run('master', ['org.apache.spark.deploy.master.Master', '--host', '127.0.0.1', '--port', String(port), '--webui-port', String(uiPort)]);
    await waitFor(async () => (await fetch(`${masterUiUrl}/json/`).catch(() => undefined))?.ok === true, { timeoutMs: 120_000, intervalMs: 500, what: 'the private Spark master' });
    run('worker', [
      'org.apache.spark.deploy.worker.Worker', masterUrl, '--host', '127.0.0.1',
      '--cores', String(options.cores), '--memory', options.memory,
      '--webui-port', String(workerUiPort), '--work-dir', join(workDir, 'work'),
    ]);
    await waitFor(async () => (await masterJson()).aliveworkers >= 1, { timeoutMs: 120_000, intervalMs: 500, what: 'the private Spark worker to register' });
  } catch (error) {
    await stop();
    throw error;
  }
  return { masterUrl, masterUiUrl, stop };
}
