import { createIsolatedRun, startApp, stopApp, type AppProcess, type IsolatedRun, type ServingApp } from '@streamline/app-runner';
import type { ConnectionConfig } from '@streamline/config';
import { fetchHealth, waitFor } from '@streamline/testing';
import { freeAppPortsEnv } from './pipeline-probes.js';

/** The apps a monitor test watches, started in this order (the monitor first, to see them come up). */
const PIPELINE_APPS = ['monitor', 'relay', 'spark-launcher', 'cassandra-writer'] as const;

export interface IsolatedPipeline {
  run: IsolatedRun;
  /** The env every app of this pipeline runs with (its database, topics, keyspace, checkpoint, ports). */
  env: Record<string, string>;
  /** Each app's /healthz and /metrics base URL. */
  endpoint(app: (typeof PIPELINE_APPS)[number]): string;
  /** Stops every app, then drops the run's database, topics, keyspace and checkpoint. */
  stop(): Promise<void>;
}

/**
 * A whole pipeline of its own for one test file: the monitor, relay, Spark job and writer, each its
 * own process on free ports, on the test's own data (createIsolatedRun). `env` adds to or overrides
 * the defaults; `ready` lists the apps whose /healthz must answer 200 before this returns.
 */
export async function startIsolatedPipeline(
  config: ConnectionConfig,
  id: string,
  options: { logDir: string; env?: Record<string, string>; ready?: ReadonlyArray<(typeof PIPELINE_APPS)[number]>; readyTimeoutMs?: number },
): Promise<IsolatedPipeline> {
  const run = await createIsolatedRun(config, id);
  const env: Record<string, string> = {
    ...run.env,
    ...(await freeAppPortsEnv()),
    LOG_LEVEL: 'info',
    // Under STACK=docker the global setup sets SPARK_MASTER_URL=local[3] for every app (STACK_TEST_CLIENT_ENV).
    ...options.env,
  };
  const apps = new Map<ServingApp, AppProcess>();
  const stop = async () => {
    await Promise.all([...apps.values()].map((a) => stopApp(a)));
    await run.drop();
  };
  try {
    for (const name of PIPELINE_APPS) apps.set(name, await startApp(name, { logDir: options.logDir, env }));
    for (const name of options.ready ?? []) {
      await waitFor(async () => (await fetchHealth(apps.get(name)!.endpoint)).status === 200, { timeoutMs: options.readyTimeoutMs ?? 120_000, what: `${name} ready` });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { run, env, endpoint: (app) => apps.get(app)!.endpoint, stop };
}
