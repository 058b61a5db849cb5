/** What the benches share: the local stack's server pids, generator runs and pages, a topic's size. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { appCommand, freePort, lastJsonLine, runAppToEnd, startApp, stopApp, type AppName } from '@streamline/app-runner';
import type { ApiUser } from '@streamline/user-schema';
import { stackStatus } from '@streamline/stack-control';

export const root = join(import.meta.dirname, '..');
export const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Each running server of the local stack and its pid (`npm run stack -- status --json`). */
export function stackServerPids(): Map<string, number> {
  return new Map(stackStatus().filter((s) => s.kind === 'server' && s.pid).map((s) => [s.name, s.pid!]));
}

/** Runs the ingestor on the offline generator to the end; its JSON summary. */
export function ingestGenerated(env: NodeJS.ProcessEnv, seed: string, count: number): { staged: number; rate: number } {
  const run = runAppToEnd('ingestor', ['--source', 'generator', '--seed', seed, '--count', String(count), '--json'], { env: env as Record<string, string> });
  return lastJsonLine<{ staged: number; rate: number }>(run, 'the ingestor');
}

/** A one-shot app command run as a child (its pid known while it runs, unlike runAppToEnd's). */
export interface RunningCommand {
  pid: number;
  /** Stops it as Ctrl-C would (SIGTERM: the ingestor stages what it fetched and prints its summary). */
  stop(): void;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * `root`: the checkout whose app runs (another one's, to compare two versions in one bench run).
 * `nodeArgs`: node's own options ahead of the app's (e.g. --cpu-prof, which Node 20 refuses in NODE_OPTIONS).
 */
export function runCommand(name: AppName, args: string[], env: NodeJS.ProcessEnv, root?: string, nodeArgs: readonly string[] = []): RunningCommand {
  const { command, args: argv, cwd } = appCommand(name, args, root);
  const child = spawn(command, [...nodeArgs, ...argv], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { pid: child.pid!, stop: () => child.kill('SIGTERM'), done };
}

/** The JSON summary an `ingestor ... --json` run printed last. */
export async function ingestSummary(run: RunningCommand): Promise<{ staged: number; fetched: number; rate: number }> {
  const { code, stdout, stderr } = await run.done;
  return lastJsonLine({ status: code, stdout, stderr }, 'the ingestor');
}

/** Messages in a topic, all partitions (0 while it does not exist yet). */
export async function messagesIn(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** The ingestor's offline generator served over HTTP (`ingestor serve-generator`), once it answers. */
export interface ServedGenerator {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function serveGenerator(env: Record<string, string> = {}): Promise<ServedGenerator> {
  const port = await freePort();
  const app = await startApp('ingestor', { args: ['serve-generator', '--port', String(port)], logDir: join(root, '.stack', 'logs', 'bench'), env });
  const url = `http://127.0.0.1:${port}/api/`;
  try {
    for (let attempt = 0; !(await fetch(`${url}?results=1`).catch(() => undefined))?.ok; attempt++) {
      if (attempt > 300) throw new Error(`the generator did not serve on ${url} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await stopApp(app);
    throw error;
  }
  return { url, pid: app.child.pid!, stop: () => stopApp(app) };
}

/**
 * `count` users from the ingestor's offline generator, served over HTTP and fetched in pages of
 * 1000: the same users the pipeline benches ingest.
 */
export async function fetchGeneratedPages(seed: string, count: number): Promise<ApiUser[]> {
  const generator = await serveGenerator();
  try {
    const pages: ApiUser[][] = [];
    for (let i = 0; i * 1000 < count; i++) {
      const res = await fetch(`${generator.url}?results=${Math.min(1000, count - i * 1000)}&seed=${seed}&page=${i + 1}`);
      pages.push(((await res.json()) as { results: ApiUser[] }).results);
    }
    return pages.flat();
  } finally {
    await generator.stop();
  }
}
