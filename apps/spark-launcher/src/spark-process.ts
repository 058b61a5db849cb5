import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '@streamline/runtime';
import { jobEventDispatcher } from './job-events.js';
import { createSparkLogForwarder } from './spark-log.js';
import type { SparkSubmitCommand } from './spark-submit-command.js';
import type { ChildExit, JobEvents, JobProcess } from './supervisor.js';

export interface SparkProcessOptions {
  log: Logger;
  /** Written to ask the job for a graceful stop (it finishes the batch in flight). */
  stopFile: string;
  /** Each stop step (stop file, SIGTERM, SIGKILL) waits this long before the next one. */
  stopTimeoutMs: number;
  events: JobEvents;
  /** The environment spark-submit inherits (the command adds its own variables). */
  baseEnv: NodeJS.ProcessEnv;
}

const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/**
 * Starts spark-submit in its own process group (the driver JVM and the Python driver it starts), so a
 * stop reaches both and a Ctrl-C at the terminal reaches only the launcher, which then stops the job
 * in order. Output lines go through the pino logger; the job's event lines (the contract's) become
 * the supervisor's events.
 */
export function launchSparkProcess(command: SparkSubmitCommand, options: SparkProcessOptions): JobProcess {
  const { log, stopFile, stopTimeoutMs, events } = options;
  mkdirSync(dirname(stopFile), { recursive: true });
  rmSync(stopFile, { force: true });
  for (const file of command.privateFiles) {
    rmSync(file.path, { force: true }); // a mode is applied only when the file is created
    writeFileSync(file.path, file.text, { mode: 0o600 });
  }

  const child = spawn(command.command, command.args, {
    env: { ...options.baseEnv, ...command.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forwarder = createSparkLogForwarder(log, jobEventDispatcher(events, log));
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', forwarder.line);

  // If the launcher dies without stopping the job, do not leave an orphan behind (the job also
  // watches the launcher's pid, for a SIGKILL that skips this).
  const killOnExit = () => signalGroup('SIGTERM');
  process.once('exit', killOnExit);

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => {
      log.error({ err: error.message, command: command.command }, 'spark-submit could not start');
      resolve({ code: null, signal: 'spawn-error' });
    });
    child.once('close', (code, signal) => {
      forwarder.end();
      resolve({ code, signal });
    });
  }).finally(() => {
    process.removeListener('exit', killOnExit);
    rmSync(stopFile, { force: true });
    for (const file of command.privateFiles) rmSync(file.path, { force: true });
  });

  let running = true;
  void exited.then(() => (running = false));

  function signalGroup(sig: NodeJS.Signals): void {
    if (!running || child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  }

  let stopping: Promise<ChildExit> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!running) return exited;
      writeFileSync(stopFile, `${new Date().toISOString()}\n`);
      if ((await Promise.race([exited, timeout(stopTimeoutMs)])) !== 'timeout') return exited;
      log.warn({ pid: child.pid, stopTimeoutMs }, 'spark job did not stop in time, sending SIGTERM');
      signalGroup('SIGTERM');
      if ((await Promise.race([exited, timeout(stopTimeoutMs)])) !== 'timeout') return exited;
      log.error({ pid: child.pid }, 'spark job ignored SIGTERM, sending SIGKILL');
      signalGroup('SIGKILL');
      return exited;
    })());

  return { pid: child.pid ?? -1, exited, stop };
}
