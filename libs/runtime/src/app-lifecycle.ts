import type { LevelWithSilent } from 'pino';
import { createAppMetrics, type AppMetrics } from './app-metrics.js';
import { createDependencyRetry, type DependencyRetry } from './dependency-retry.js';
import { describeError } from './errors.js';
import { createHealth, type Health } from './health.js';
import { registerHealthMetrics } from './health-metrics.js';
import { PortInUseError, startHttpEndpoint, type HttpEndpoint } from './http-endpoint.js';
import { createLogger, type Logger } from './logger.js';
import { createShutdown, type Shutdown } from './shutdown.js';

export interface AppSpec {
  name: string;
  logLevel: LevelWithSilent;
  shutdownTimeoutMs: number;
  /** The /healthz and /metrics endpoint; omitted for one-shot commands (`--lag`, `status`). */
  http?: {
    host: string;
    port: number;
    portVariable: string;
    /** A batch job that may run twice at once (the ingestor): a taken port falls back to any free one, logged. */
    anyPortWhenTaken?: boolean;
  };
  /** stderr keeps stdout for a command's own output (a JSON summary). */
  logDestination?: 'stdout' | 'stderr';
  /** Backoff of `ctx.retry` while a dependency is down; `maxOutageMs` bounds the wait (batch jobs). */
  retry?: { minDelayMs: number; maxDelayMs: number; maxOutageMs?: number };
}

export interface AppContext {
  log: Logger;
  /** Aborted on SIGINT/SIGTERM: stop taking work, finish the batch in flight. */
  signal: AbortSignal;
  /** Resources to close at the end, in reverse order (after the run's own promise settled). */
  shutdown: Shutdown;
  metrics: AppMetrics;
  health: Health;
  /** Retries work through dependency outages (see createDependencyRetry). */
  retry: DependencyRetry;
  endpoint: HttpEndpoint | undefined;
}

export interface AppOutcome {
  exitCode?: number;
  /** Printed on stdout after the shutdown's logs (e.g. the JSON summary, the last line). */
  output?: string;
}

/** The endpoint; a batch job whose port is taken (a second run at once) falls back to a free one. */
async function startEndpoint(http: NonNullable<AppSpec['http']>, metrics: AppMetrics, health: Health, log: Logger): Promise<HttpEndpoint> {
  const options = { host: http.host, port: http.port, portVariable: http.portVariable, registry: metrics.registry, health };
  try {
    return await startHttpEndpoint(options);
  } catch (error) {
    if (!(error instanceof PortInUseError && http.anyPortWhenTaken)) throw error;
    log.warn({ port: http.port, variable: http.portVariable }, 'port taken (another run?), serving health and metrics on a free port');
    return startHttpEndpoint({ ...options, port: 0 });
  }
}

/**
 * The one lifecycle of every app: logger, shutdown on SIGINT/SIGTERM (stop intake, wait for the run
 * to finish its batch, close resources in reverse order, hard timeout, a second signal exits),
 * health and metrics over HTTP, dependency outages retried. `main` runs the app and returns when it
 * is done or stopped; a failure ends the process with one line naming its cause, exit 1.
 */
export async function runApp(spec: AppSpec, main: (ctx: AppContext) => Promise<AppOutcome | number | void>): Promise<never> {
  const log = createLogger(spec.name, { level: spec.logLevel, ...(spec.logDestination ? { destination: spec.logDestination } : {}) });
  const shutdown = createShutdown(log, { timeoutMs: spec.shutdownTimeoutMs });
  const health = createHealth();
  const metrics = createAppMetrics(spec.name);
  registerHealthMetrics(metrics.registry, health);
  const fail = async (error: unknown): Promise<never> => {
    const reason = describeError(error);
    log.error({ err: reason }, `${spec.name} failed`);
    // The one line a person or a script reads, whatever the log format.
    process.stderr.write(`${spec.name}: ${reason}\n`);
    health.stopping();
    await shutdown.run('error');
    process.exit(1);
  };
  process.on('unhandledRejection', (error) => void fail(error));
  let outcome: AppOutcome | number | void = undefined;
  try {
    const endpoint = spec.http ? shutdown.add('http', await startEndpoint(spec.http, metrics, health, log)) : undefined;
    if (endpoint) log.info({ url: endpoint.url }, 'health and metrics endpoint listening');
    const retry = createDependencyRetry({
      log,
      health,
      signal: shutdown.signal,
      minDelayMs: spec.retry?.minDelayMs ?? 500,
      maxDelayMs: spec.retry?.maxDelayMs ?? 15_000,
      ...(spec.retry?.maxOutageMs === undefined ? {} : { maxOutageMs: spec.retry.maxOutageMs }),
    });
    const run = main({ log, signal: shutdown.signal, shutdown, metrics, health, retry, endpoint });
    shutdown.drain(run);
    outcome = await run;
  } catch (error) {
    // A stop asked for while waiting on a dependency is a clean end, not a failure.
    if (!shutdown.signal.aborted) return fail(error);
  }
  health.stopping();
  await shutdown.run(shutdown.signal.aborted ? 'stopped' : 'done');
  const result: AppOutcome = typeof outcome === 'number' ? { exitCode: outcome } : (outcome ?? {});
  const { exitCode = 0, output } = result;
  if (output !== undefined) process.stdout.write(`${output}\n`);
  process.exit(exitCode);
}

/** Reads an app's config at start: a bad setting ends the process with one line naming it, exit 2. */
export function configOrExit<C>(app: string, load: () => C): C {
  try {
    return load();
  } catch (error) {
    process.stderr.write(`${app}: ${describeError(error)}\n`);
    process.exit(2);
  }
}
