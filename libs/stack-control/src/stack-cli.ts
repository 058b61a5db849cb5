import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this module sits in: libs/stack-control/src/../../.. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One component as `npm run stack -- status --json` prints it. */
export interface StackComponentStatus {
  name: string;
  kind: 'server' | 'app';
  port: number;
  pid: number | null;
  running: boolean;
  health: 'healthy' | 'unhealthy' | 'stopped';
  detail: string;
  rssMiB: number | null;
  /** What is installed, with its version (e.g. `cassandra-all-5.0.6`): reports name what they measured. */
  installed: string;
  url?: string;
}

/**
 * Runs the local stack's CLI (`npm run stack -- ...`), the interface people use, as a subprocess
 * (so npm start, the benches and the tests need no build-time link to the stack tool). `pipe`
 * returns its stdout; stderr (the progress) is shown. Throws on failure, except for `status`,
 * which exits 1 when a component is unhealthy and still prints what we want. `root`: another
 * checkout's stack (its own CLI, run in it).
 */
export function stackCli(args: string[], stdio: 'pipe' | 'inherit' = 'pipe', env: NodeJS.ProcessEnv = process.env, root = repoRoot): string {
  const res = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tools', 'local-stack', 'src', 'cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env,
    stdio: ['ignore', stdio === 'pipe' ? 'pipe' : 'inherit', 'inherit'],
  });
  if (res.status !== 0 && !(args[0] === 'status' && res.stdout)) throw new Error(`stack ${args.join(' ')} failed (exit ${res.status})`);
  return res.stdout ?? '';
}

export function stackStatus(env: NodeJS.ProcessEnv = process.env): StackComponentStatus[] {
  return JSON.parse(stackCli(['status', '--json'], 'pipe', env)) as StackComponentStatus[];
}
