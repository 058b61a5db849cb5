import { type ConnectionConfig, loadConnectionConfig, loadLogLevel } from './connections.js';
import { type Env, hostName, portOrZero, positiveInt, readRange, readVar } from './env-reader.js';

/** An app's /healthz + /metrics endpoint: `<APP>_HTTP_PORT` (0: any free port), `STREAMLINE_HTTP_HOST`. */
export interface HttpEndpointConfig {
  host: string;
  port: number;
  portVariable: string;
}

/** Default ports of the apps' endpoints, fixed so that scrape configs and the monitor know them. */
export const APP_HTTP_PORTS = Object.freeze({
  ingestor: 9401,
  relay: 9402,
  'spark-launcher': 9403,
  'cassandra-writer': 9404,
  /** The monitor's web page, served on the same port as its /healthz and /metrics. */
  monitor: 9400,
});

/** The variable that sets each app's endpoint port. */
export const APP_HTTP_PORT_VARS = Object.freeze({
  ingestor: 'INGESTOR_HTTP_PORT',
  relay: 'RELAY_HTTP_PORT',
  'spark-launcher': 'SPARK_LAUNCHER_HTTP_PORT',
  'cassandra-writer': 'WRITER_HTTP_PORT',
  monitor: 'MONITOR_HTTP_PORT',
});

export function loadHttpEndpoint(env: Env, portVariable: string, fallback: number): HttpEndpointConfig {
  return Object.freeze({
    host: readVar(env, 'STREAMLINE_HTTP_HOST', hostName(readVar(env, 'STREAMLINE_HOST', hostName('127.0.0.1')))),
    port: readVar(env, portVariable, portOrZero(fallback)),
    portVariable,
  });
}

/** Backoff while a dependency is down: `<PREFIX>_RETRY_MIN_DELAY_MS`, `<PREFIX>_RETRY_MAX_DELAY_MS` (the minimum no more than the maximum). */
export function loadOutageRetry(env: Env, prefix: string, defaults = { minDelayMs: 500, maxDelayMs: 15_000 }): { minDelayMs: number; maxDelayMs: number } {
  const [minVar, maxVar] = [`${prefix}_RETRY_MIN_DELAY_MS`, `${prefix}_RETRY_MAX_DELAY_MS`];
  const { min, max } = readRange(env, minVar, maxVar, readVar(env, minVar, positiveInt(defaults.minDelayMs)), readVar(env, maxVar, positiveInt(defaults.maxDelayMs)));
  return Object.freeze({ minDelayMs: min, maxDelayMs: max });
}

/** What every app's config holds, whatever the app: where the servers are, log level, stop, endpoint, outage backoff. */
export interface AppBasics {
  connections: ConnectionConfig;
  logLevel: ReturnType<typeof loadLogLevel>;
  /** Hard limit of a graceful stop: `<PREFIX>_SHUTDOWN_TIMEOUT_MS`. */
  shutdownTimeoutMs: number;
  http: HttpEndpointConfig;
  /** Backoff while a server is down: `<PREFIX>_RETRY_MIN_DELAY_MS`, `<PREFIX>_RETRY_MAX_DELAY_MS`. */
  retry: { minDelayMs: number; maxDelayMs: number };
}

/** The settings every app has, read once with the app's own variable prefix and defaults. */
export function loadAppBasics(
  env: Env,
  app: keyof typeof APP_HTTP_PORTS,
  prefix: string,
  defaults: { shutdownTimeoutMs: number; retry?: { minDelayMs: number; maxDelayMs: number } },
): AppBasics {
  return {
    connections: loadConnectionConfig(env),
    logLevel: loadLogLevel(env),
    shutdownTimeoutMs: readVar(env, `${prefix}_SHUTDOWN_TIMEOUT_MS`, positiveInt(defaults.shutdownTimeoutMs)),
    http: loadHttpEndpoint(env, APP_HTTP_PORT_VARS[app], APP_HTTP_PORTS[app]),
    retry: loadOutageRetry(env, prefix, defaults.retry),
  };
}

/**
 * When retrying the same records counts as a stall (the app then says degraded in /healthz):
 * `<PREFIX>_STALL_AFTER_ATTEMPTS` failed attempts (default 5) or `<PREFIX>_STALL_AFTER_MS` since the
 * first (default 60 s), whichever comes first.
 */
export function loadStallBound(env: Env, prefix: string): { afterAttempts: number; afterMs: number } {
  return Object.freeze({
    afterAttempts: readVar(env, `${prefix}_STALL_AFTER_ATTEMPTS`, positiveInt(5)),
    afterMs: readVar(env, `${prefix}_STALL_AFTER_MS`, positiveInt(60_000)),
  });
}
