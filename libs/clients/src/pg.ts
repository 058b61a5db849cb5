// Also the '@streamline/clients/pg' entry point: PostgreSQL only, for what needs no other client
// (the ingestor, the staging lib), so their start does not load kafkajs, cassandra-driver and the registry's client.
import pg from 'pg';
import type { ConnectionConfig } from '@streamline/config';

export type PgPool = pg.Pool;

export interface PgPoolOptions {
  max?: number;
  /** Overrides the configured database, e.g. `postgres` to create others. */
  database?: string;
  applicationName?: string;
  onIdleError?: (error: Error) => void;
  /** The server cancels a statement running longer (error 57014); unset: no limit. */
  statementTimeoutMs?: number;
}

/** No password configured: neither PG_PASSWORD nor the local stack's generated credentials. */
export class MissingPasswordError extends Error {}

export function createPgPool(config: ConnectionConfig['pg'], options: PgPoolOptions = {}): PgPool {
  if (!config.password) {
    throw new MissingPasswordError('no PostgreSQL password: set PG_PASSWORD, or bring the local stack up (npm run stack -- up generates .stack/credentials.json)');
  }
  const pool = new pg.Pool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: options.database ?? config.database,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'streamline',
    connectionTimeoutMillis: 10_000,
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
  });
  // An idle client losing its server (restart, failover) must not crash the process: the pool
  // drops it and connects anew on the next query, where the error surfaces to the caller.
  pool.on('error', (err) => options.onIdleError?.(err));
  // A client that loses its server while checked out emits 'error' too, besides failing its query;
  // unheard, that event would end the process. The failed query reaches the caller, who retries.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
