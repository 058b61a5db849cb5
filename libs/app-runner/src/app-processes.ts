import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { APP_HTTP_PORT_VARS, APP_HTTP_PORTS } from '@streamline/config';
import { appCommand, type AppName } from './app-command.mjs';

export type { AppName };
export { APPS, appCommand, repoRoot } from './app-command.mjs';

export interface AppProcess {
  name: ServingApp;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  /** The app's /healthz + /metrics base URL (it answers once the app has started); none for one-shot commands. */
  endpoint: string;
}

export interface StartAppOptions {
  args?: string[];
  /** stdout and stderr go to `<logDir>/<name>.log` (appended). */
  logDir: string;
  env?: Record<string, string>;
  root?: string;
  /** Serve on the app's documented default port when it is free (npm start) instead of a free one (tests, benches). */
  defaultPort?: boolean;
  /**
   * Its own process group: a Ctrl-C at the terminal reaches the caller only, which passes the stop
   * on once (a second stop signal makes an app exit without draining).
   */
  detached?: boolean;
}

/** Can `port` be bound right now? */
export async function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => server.once('error', () => resolve(false)).listen(port, host, () => resolve(true)));
  if (ok) await new Promise((resolve) => server.close(resolve));
  return ok;
}

/** A port nothing listens on right now (the OS picks it; the app binds it a moment later). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The apps that run long enough to serve /healthz and /metrics. */
export type ServingApp = keyof typeof APP_HTTP_PORT_VARS;

/**
 * Runs one of the apps as a process (see app-command.mjs), its output in a log file. Its endpoint
 * gets a free port unless `env` sets one, so several runs share a machine; `endpoint` is its URL.
 */
export async function startApp(name: ServingApp, options: StartAppOptions): Promise<AppProcess> {
  const logFile = join(options.logDir, `${name}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const { command, args, cwd } = appCommand(name, options.args ?? [], options.root);
  const portVar = APP_HTTP_PORT_VARS[name];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // The documented port when asked for and free; a free one otherwise (e.g. the stack's own apps hold it).
  const wanted = options.defaultPort && (await portFree(APP_HTTP_PORTS[name], '127.0.0.1')) ? APP_HTTP_PORTS[name] : undefined;
  const port = env[portVar] ?? String(wanted ?? (await freePort()));
  const host = env.STREAMLINE_HTTP_HOST ?? env.STREAMLINE_HOST ?? '127.0.0.1';
  const child = spawn(command, args, { cwd, env: { ...env, [portVar]: port }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => log.end());
  return { name, child, logFile, exited, endpoint: `http://${host}:${port}` };
}

/** SIGTERM, then SIGKILL after `timeoutMs`: the apps drain their batch and commit on SIGTERM. */
export async function stopApp(app: AppProcess, timeoutMs = 30_000): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  await app.exited;
  clearTimeout(timer);
}

export interface AppRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an app command to its end (e.g. `ingestor --json`, `spark-launcher status`) and returns its output. */
export function runAppToEnd(name: AppName, args: string[], options: { env?: Record<string, string>; timeoutMs?: number; root?: string; stderr?: 'pipe' | 'inherit' } = {}): AppRun {
  const { command, args: argv, cwd } = appCommand(name, args, options.root);
  const res = spawnSync(command, argv, {
    cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
  return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

/** The last line of a command's stdout, parsed: the apps print their JSON answer last. */
export function lastJsonLine<T>(run: AppRun, what: string): T {
  const line = run.stdout.trim().split('\n').pop();
  if (run.status !== 0 || !line) throw new Error(`${what} failed (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line) as T;
}
