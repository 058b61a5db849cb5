// Runs before `npm start`, `npm test` and `npm run stack` (npm "pre" scripts), so the README's
// commands work on a fresh clone: installs node_modules when missing or older than the lockfile.
// Plain Node with no dependencies, because it runs before any are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');

const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('[bootstrap] installing Node dependencies (npm ci) ...');
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_cache: join(root, '.stack', 'cache', 'npm') },
  });
  if (res.status !== 0) {
    console.error('[bootstrap] npm ci failed: see the output above');
    process.exit(res.status ?? 1);
  }
}
