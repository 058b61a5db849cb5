import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../paths.js';
import { findPython } from '../prerequisites.js';
import { runCommand } from '../run-command.js';

export interface WheelSet {
  /** Names the download folder (`.stack/cache/pip/downloads/<name>-<key>`). */
  name: string;
  requirements: string[];
  /** A pip constraints file of the repository (its content is part of the key). */
  constraints: string;
}

/** The key of a wheel set: its requirements and its constraints file's content. */
export const wheelSetKey = (set: WheelSet, repoRoot: string) =>
  createHash('sha256').update(JSON.stringify(set.requirements)).update(readFileSync(join(repoRoot, set.constraints))).digest('hex').slice(0, 12);

/**
 * The wheels of a set of requirements, downloaded on the host by `pip download` into the download
 * cache (an image build fetches nothing over HTTPS; it installs from these with --no-index). Wheels
 * only: a build has no compiler. The host's Python picks them, so it must be the image's minor
 * version (3.11, Debian bookworm's). Downloaded once per key; a complete folder is reused.
 */
export async function downloadWheels(set: WheelSet, repoRoot: string, cacheDir: string, logFile: string): Promise<string> {
  const dir = ensureDir(join(cacheDir, 'pip', 'downloads', `${set.name}-${wheelSetKey(set, repoRoot)}`));
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return dir;
  await runCommand(
    findPython(),
    ['-m', 'pip', 'download', '--disable-pip-version-check', '--progress-bar', 'off', '--only-binary=:all:', '-d', dir, '-c', join(repoRoot, set.constraints), ...set.requirements],
    { env: { PIP_CACHE_DIR: join(cacheDir, 'pip') }, logFile },
  );
  writeFileSync(marker, `${set.requirements.join('\n')}\n`);
  return dir;
}
