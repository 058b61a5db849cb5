import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** What the runner needs of a stack it did not start as processes: the apps' endpoints. */
export interface RunningApp {
  name: string;
  kind: 'app';
  health: 'healthy';
  url: string;
}

/** The apps the compose file runs, and the host ports it publishes them on (127.0.0.1). */
const COMPOSE_APPS: ReadonlyArray<{ name: string; portVar: string; port: number }> = [
  { name: 'relay', portVar: 'RELAY_HTTP_PORT', port: 9402 },
  { name: 'spark-launcher', portVar: 'SPARK_LAUNCHER_HTTP_PORT', port: 9403 },
  { name: 'cassandra-writer', portVar: 'WRITER_HTTP_PORT', port: 9404 },
  { name: 'monitor', portVar: 'MONITOR_HTTP_PORT', port: 9400 },
];

/**
 * STACK=docker: builds what images are missing or stale (`npm run images`, seconds when none
 * is), then `docker compose up -d --wait` of deploy/docker-compose.yml, which returns once every
 * service's healthcheck passes (the launcher's once the Spark job runs). Throws with the reason.
 */
export function composeUp(root: string, say: (line: string) => void): RunningApp[] {
  say('streamline: STACK=docker: building the images (npm run images; only what changed)');
  const images = spawnSync('npm', ['run', '-s', 'images'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (images.status !== 0) throw new Error(`npm run images failed (exit ${images.status}; see above)`);
  say('streamline: docker compose -f deploy/docker-compose.yml up -d --wait');
  const up = spawnSync('docker', ['compose', '-f', join(root, 'deploy', 'docker-compose.yml'), 'up', '-d', '--wait'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) throw new Error(`docker compose up failed (exit ${up.status}; docker compose -f deploy/docker-compose.yml ps shows which service)`);
  return COMPOSE_APPS.map((a) => ({ name: a.name, kind: 'app', health: 'healthy', url: `http://127.0.0.1:${process.env[a.portVar] || a.port}` }));
}

/** The launcher's /healthz answers 200 once its streaming query runs. */
export async function launcherReady(apps: RunningApp[]): Promise<boolean> {
  const url = apps.find((a) => a.name === 'spark-launcher')?.url;
  if (!url) return false;
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}
