import { type Env, loadConnectionConfig, loadLogLevel, positiveInt, readVar, text, TOPIC_VARS, TOPICS } from '@streamline/config';

export interface RelayConfig {
  connections: ReturnType<typeof loadConnectionConfig>;
  logLevel: ReturnType<typeof loadLogLevel>;
  topic: string;
  /** Outbox rows claimed, encoded and produced per transaction. */
  batchSize: number;
  /** Fallback poll when no NOTIFY arrives (e.g. the listener connection dropped). */
  pollIntervalMs: number;
  lagReportIntervalMs: number;
  shutdownTimeoutMs: number;
}

export function loadRelayConfig(env: Env = process.env): RelayConfig {
  return Object.freeze({
    connections: loadConnectionConfig(env),
    logLevel: loadLogLevel(env),
    topic: readVar(env, TOPIC_VARS.created, text(TOPICS.created)),
    batchSize: readVar(env, 'RELAY_BATCH_SIZE', positiveInt(2000)),
    pollIntervalMs: readVar(env, 'RELAY_POLL_INTERVAL_MS', positiveInt(1000)),
    lagReportIntervalMs: readVar(env, 'RELAY_LAG_REPORT_INTERVAL_MS', positiveInt(10_000)),
    shutdownTimeoutMs: readVar(env, 'RELAY_SHUTDOWN_TIMEOUT_MS', positiveInt(20_000)),
  });
}
