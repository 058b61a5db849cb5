import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@streamline/app-runner';
import type { Component, HealthResult } from '../component.js';
import { STACK_APPS, type StackApp, type StackConfig } from '../config.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const supervisor = join(here, '..', 'supervise-app.ts');

/** What each app needs running before it starts (it also rides out their outages by itself). */
const NEEDS: Record<StackApp, string[]> = {
  relay: ['postgres', 'kafka', 'schema-registry'],
  'spark-launcher': ['kafka', 'schema-registry', 'spark-master', 'spark-worker'],
  'cassandra-writer': ['kafka', 'schema-registry', 'cassandra'],
  // Last up, first down: it watches the others.
  monitor: ['postgres', 'kafka', 'schema-registry', 'cassandra', 'relay', 'spark-launcher', 'cassandra-writer'],
};

const isApp = (name: string): name is StackApp => (STACK_APPS as readonly string[]).includes(name);

/** An app's own /healthz: 200 once it serves (the launcher: once its streaming query runs). */
async function appHealth(url: string): Promise<HealthResult> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
    const body = (await res.json()) as { status?: string; dependencies?: Record<string, { up: boolean; reason?: string }> };
    const down = Object.entries(body.dependencies ?? {})
      .filter(([, d]) => !d.up)
      .map(([name, d]) => `${name} down${d.reason ? ` (${d.reason})` : ''}`);
    return { healthy: res.status === 200, detail: [body.status ?? `HTTP ${res.status}`, ...down].join(', ') };
  } catch (error) {
    return { healthy: false, detail: `no answer on ${url}/healthz (${(error as Error).message})` };
  }
}

/**
 * A pipeline app as a component of the local stack: a supervisor process (supervise-app.ts) runs
 * it on its usual port and restarts it with backoff when it exits; health is the app's /healthz.
 */
function appComponent(app: StackApp): Component {
  const port = (config: StackConfig) => config.apps.ports[app];
  const url = (config: StackConfig) => `http://${config.host}:${port(config)}`;
  return {
    name: app,
    kind: 'app',
    installKey: 'source',
    installLane: 'none',
    // An app this checkout (or image) does not carry is left out rather than failing `up`.
    enabled: (config) => config.apps.enabled.includes(app) && (existsSync(join(repoRoot, 'apps', app, 'src', 'main.ts')) || existsSync(join(repoRoot, 'dist', 'apps', app, 'main.js'))),
    port,
    url,
    // Another app is waited for only when the stack runs it.
    dependsOn: (config) => NEEDS[app].filter((dep) => !isApp(dep) || config.apps.enabled.includes(dep)),
    install: async () => undefined,
    prepare: async () => undefined,
    launch: (ctx) => ({
      command: process.execPath,
      args: ['--import', 'tsx', supervisor, app],
      env: { [ctx.config.apps.portVars[app]]: String(port(ctx.config)) },
    }),
    health: (ctx) => appHealth(url(ctx.config)),
    // The supervisor passes the stop on; the app drains its batch within its own shutdown timeout.
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 90_000,
  };
}

export const appComponents: Component[] = STACK_APPS.map(appComponent);
