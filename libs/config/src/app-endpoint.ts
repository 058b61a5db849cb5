import { type Env, positiveInt, readVar, text } from './env-reader.js';
import { z } from 'zod';

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
});

/** The variable that sets each app's endpoint port. */
export const APP_HTTP_PORT_VARS = Object.freeze({
  ingestor: 'INGESTOR_HTTP_PORT',
  relay: 'RELAY_HTTP_PORT',
  'spark-launcher': 'SPARK_LAUNCHER_HTTP_PORT',
  'cassandra-writer': 'WRITER_HTTP_PORT',
});

export function loadHttpEndpoint(env: Env, portVariable: string, fallback: number): HttpEndpointConfig {
  return Object.freeze({
    host: readVar(env, 'STREAMLINE_HTTP_HOST', text(readVar(env, 'STREAMLINE_HOST', text('127.0.0.1')))),
    port: readVar(env, portVariable, z.coerce.number().int().min(0).max(65535).default(fallback)),
    portVariable,
  });
}

/** Backoff while a dependency is down: `<PREFIX>_RETRY_MIN_DELAY_MS`, `<PREFIX>_RETRY_MAX_DELAY_MS`. */
export function loadOutageRetry(env: Env, prefix: string): { minDelayMs: number; maxDelayMs: number } {
  return Object.freeze({
    minDelayMs: readVar(env, `${prefix}_RETRY_MIN_DELAY_MS`, positiveInt(500)),
    maxDelayMs: readVar(env, `${prefix}_RETRY_MAX_DELAY_MS`, positiveInt(15_000)),
  });
}
