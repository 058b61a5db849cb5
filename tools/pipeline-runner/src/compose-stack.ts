import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { APP_HTTP_PORTS, APP_HTTP_PORT_VARS } from '@streamline/config';

/** What the runner needs of a stack it did not start as processes: the apps' endpoints. */
export interface RunningApp {
  name: string;
  kind: 'app';
  health: 'healthy';
  url: string;
}

/** The apps the compose file runs; it publishes each on 127.0.0.1 at the app's own port (APP_HTTP_PORTS, moved by its variable). */
const COMPOSE_APPS = ['relay', 'spark-launcher', 'cassandra-writer', 'monitor'] as const;

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
  return COMPOSE_APPS.map((name) => ({ name, kind: 'app', health: 'healthy', url: `http://127.0.0.1:${process.env[APP_HTTP_PORT_VARS[name]] || APP_HTTP_PORTS[name]}` }));
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
