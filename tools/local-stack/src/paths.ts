import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.js';

/** Layout of the stack folder: one place for installs, data, logs, pids and download caches. */
export interface StackPaths {
  root: string;
  /** Installed software of a component (jars, unpacked archives). */
  dist(name: string): string;
  /** Its data (removed by `reset`). */
  data(name: string): string;
  log(name: string): string;
  pidFile(name: string): string;
  /** Sockets and other runtime files. */
  run: string;
  mavenRepo: string;
  pipCache: string;
  venv: string;
}

export function stackPaths(config: StackConfig): StackPaths {
  const root = config.dir;
  return {
    root,
    dist: (name) => join(root, 'dist', name),
    data: (name) => join(root, 'data', name),
    log: (name) => join(root, 'logs', `${name}.log`),
    pidFile: (name) => join(root, 'run', `${name}.pid`),
    run: join(root, 'run'),
    mavenRepo: join(config.cacheDir, 'm2'),
    pipCache: join(config.cacheDir, 'pip'),
    venv: join(root, 'venv'),
  };
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
