import { join, resolve } from 'node:path';
import { type Env, readVar, text } from './env-reader.js';

/**
 * Where the local stack keeps its files (`STREAMLINE_STACK_DIR`, default `<repo>/.stack`): the stack
 * tool writes this layout, and the apps' local defaults (the Spark venv, the app logs) read it.
 */
export interface StackLayout {
  root: string;
  /** Download caches (Maven, pip, npm); `STREAMLINE_CACHE_DIR`. */
  cacheDir: string;
  /** The Python venv with pyspark (spark-submit, the job's python). */
  venv: string;
  /** Installed software of a component (jars, unpacked archives). */
  dist(component: string): string;
  /** A component's data (removed by `reset`). */
  data(component: string): string;
  logs: string;
}

export function loadStackLayout(env: Env = process.env, repoRoot = process.cwd()): StackLayout {
  const root = resolve(repoRoot, readVar(env, 'STREAMLINE_STACK_DIR', text('.stack')));
  return Object.freeze({
    root,
    cacheDir: resolve(repoRoot, readVar(env, 'STREAMLINE_CACHE_DIR', text(join(root, 'cache')))),
    venv: join(root, 'venv'),
    dist: (component: string) => join(root, 'dist', component),
    data: (component: string) => join(root, 'data', component),
    logs: join(root, 'logs'),
  });
}
