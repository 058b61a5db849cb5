// How to run one of the Node apps as a process, in one place for every caller: `npm start`, the
// tests, the benches (through app-processes.ts) and the Airflow operator (through bin/run-app.mjs).
// Plain JavaScript, so that it runs before any build and from Python's subprocess alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The apps that run as processes. */
export const APPS = Object.freeze(['ingestor', 'relay', 'spark-launcher', 'cassandra-writer', 'user-query', 'monitor']);

/** Node flags of an app's process, before its script (an app not listed gets none). */
export const APP_NODE_OPTIONS = Object.freeze({
  // A larger young generation: 30.3 -> 24.5 CPU-µs/user (apps/ingestor/scripts/cpu-per-user.bench.ts, median of 7 interleaved rounds; 32: -7%).
  ingestor: Object.freeze(['--max-semi-space-size=64']),
});

/** The repository (or the image's work dir) this module sits in: libs/app-runner/src/../../.. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The command line of `app` with `args`: in a checkout the source through tsx's loader, in the
 * app's own process (so a bundle left in dist/ by an older build never runs stale code, and the pid
 * is the app's); where only the bundle exists (a deployed image), `node dist/apps/<app>/main.js`.
 * Either way with the app's APP_NODE_OPTIONS.
 * @param {string} app
 * @param {readonly string[]} [args]
 * @param {string} [root]
 * @returns {{ command: string, args: string[], cwd: string }}
 */
export function appCommand(app, args = [], root = repoRoot) {
  if (!APPS.includes(app)) throw new Error(`unknown app ${JSON.stringify(app)}: expected one of ${APPS.join(', ')}`);
  const node = APP_NODE_OPTIONS[app] ?? [];
  const source = join(root, 'apps', app, 'src', 'main.ts');
  const tsx = join(root, 'node_modules', 'tsx');
  if (existsSync(source) && existsSync(tsx)) return { command: process.execPath, args: [...node, '--import', 'tsx', source, ...args], cwd: root };
  const bundle = join(root, 'dist', 'apps', app, 'main.js');
  if (existsSync(bundle)) return { command: process.execPath, args: [...node, bundle, ...args], cwd: root };
  throw new Error(`cannot run ${app}: neither ${source} (with node_modules) nor ${bundle} exists; run npm ci, or npx nx build ${app}`);
}
