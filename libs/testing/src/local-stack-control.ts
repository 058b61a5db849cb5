import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Runs the stack's CLI (`npm run stack`), the same interface people use; a subprocess also keeps
 * the testing lib free of a build-time dependency on the stack tool. `pipe` returns its stdout.
 */
export function stackCli(args: string[], stdio: 'pipe' | 'inherit'): string {
  const res = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tools', 'local-stack', 'src', 'cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', stdio === 'pipe' ? 'pipe' : 'inherit', 'inherit'],
  });
  // `status` exits 1 when a server is unhealthy; its JSON is still what we want.
  if (res.status !== 0 && !(args[0] === 'status' && res.stdout)) throw new Error(`stack ${args.join(' ')} failed (exit ${res.status})`);
  return res.stdout ?? '';
}

/**
 * For fault tests on the local stack: `npm run stack -- down|up <components>`. `up` with no
 * component brings back anything a test stopped, and whatever stopped with it.
 */
export function localStack(command: 'up' | 'down', components: string[] = []): void {
  stackCli([command, ...components], 'pipe');
}
