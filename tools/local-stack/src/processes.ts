import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isProcessAlive, pollUntil } from '@streamline/runtime';
import { ensureDir } from './paths.js';

export interface LaunchSpec {
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Starts a server detached from this process (it outlives `stack up`), output appended to its log. */
export function launchDetached(spec: LaunchSpec, logFile: string, pidFile: string): number {
  ensureDir(dirname(logFile));
  ensureDir(dirname(pidFile));
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    writeFileSync(pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isFinite(pid) && pid > 0 ? pid : undefined;
}


/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!isProcessAlive(pid)) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `signal` to the process group (again after `resignalAfterMs`, if set), waits up to `timeoutMs`, then SIGKILLs. */
export async function stopProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000, resignalAfterMs?: number): Promise<'stopped' | 'killed'> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  send(signal);
  const start = Date.now();
  let resignalled = resignalAfterMs === undefined;
  const gone = await pollUntil(
    () => {
      if (!isProcessAlive(pid)) return true;
      if (!resignalled && Date.now() >= start + resignalAfterMs!) {
        send(signal);
        resignalled = true;
      }
      return false;
    },
    { timeoutMs, what: `pid ${pid} to exit`, onTimeout: () => new Error('still running') },
  ).catch(() => false);
  if (gone) return 'stopped';
  send('SIGKILL');
  // Gone before the caller starts it again (a server's lock file, its port).
  await pollUntil(() => !isProcessAlive(pid), { timeoutMs: 10_000, what: `pid ${pid} to exit after SIGKILL` }).catch(() => undefined);
  return 'killed';
}

export function removePidFile(pidFile: string): void {
  rmSync(pidFile, { force: true });
}
