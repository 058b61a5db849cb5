/** What the benches share: the local stack's server pids, a generator ingest run, a topic's size. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';

export const root = join(import.meta.dirname, '..');
export const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Each running server of the local stack and its pid (`npm run stack -- status --json`). */
export function stackServerPids(): Map<string, number> {
  const status = spawnSync(tsx, [join(root, 'tools/local-stack/src/cli.ts'), 'status', '--json'], { encoding: 'utf8' });
  const servers = JSON.parse(status.stdout) as { name: string; pid: number | null }[];
  return new Map(servers.filter((s) => s.pid).map((s) => [s.name, s.pid!]));
}

/** Runs the ingestor on the offline generator to the end; its JSON summary. */
export function ingestGenerated(env: NodeJS.ProcessEnv, seed: string, count: number): { staged: number; rate: number } {
  const result = spawnSync(tsx, [join(root, 'apps/ingestor/src/main.ts'), '--source', 'generator', '--seed', seed, '--count', String(count), '--json'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`ingestor failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { staged: number; rate: number };
}

/** Messages in a topic, all partitions (0 while it does not exist yet). */
export async function messagesIn(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}
