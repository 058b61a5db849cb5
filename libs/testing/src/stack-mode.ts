import { spawnSync } from 'node:child_process';

export type StackMode = 'local' | 'docker' | 'external';

/** Can this machine run containers? (`docker info` answers only when an engine is reachable.) */
export function dockerAvailable(): boolean {
  const res = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 10_000 });
  return res.status === 0 && res.stdout.trim().length > 0;
}

/**
 * STACK=local|docker|external picks the servers the tests run against. Unset: the local stack (real
 * servers as local processes), as for `npm start`; docker is asked for by name.
 */
export function stackMode(env: Record<string, string | undefined> = process.env): StackMode {
  const mode = env.STACK;
  if (mode === undefined || mode === '') return 'local';
  if (mode === 'local' || mode === 'docker' || mode === 'external') return mode;
  throw new Error(`invalid STACK=${JSON.stringify(mode)}: expected local, docker or external`);
}
