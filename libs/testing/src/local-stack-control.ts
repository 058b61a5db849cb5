import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * For fault tests on the local stack: `npm run stack -- down|up <components>` (the same CLI people
 * use). `up` with no component brings back anything a test stopped, and whatever stopped with it.
 */
export function localStack(command: 'up' | 'down', components: string[] = []): void {
  const res = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tools', 'local-stack', 'src', 'cli.ts'), command, ...components], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (res.status !== 0) throw new Error(`stack ${command} ${components.join(' ')} failed (exit ${res.status}): ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}
