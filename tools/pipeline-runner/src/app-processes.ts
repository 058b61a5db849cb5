import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface AppProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

/** Runs one of the apps (from source, through tsx) with its output in a log file. */
export function startApp(root: string, name: string, args: string[], logDir: string, env: Record<string, string> = {}): AppProcess {
  const logFile = join(logDir, `${name}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps', name, 'src', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => log.end());
  return { name, child, logFile, exited };
}

/** SIGTERM, then SIGKILL after `timeoutMs`: the apps drain their batch and commit on SIGTERM. */
export async function stopApp(app: AppProcess, timeoutMs = 30_000): Promise<void> {
  if (app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  await app.exited;
  clearTimeout(timer);
}
