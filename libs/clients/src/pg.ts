import pg from 'pg';
import type { ConnectionConfig } from '@streamline/config';

export type PgPool = pg.Pool;

export interface PgPoolOptions {
  max?: number;
  /** Overrides the configured database, e.g. `postgres` to create others. */
  database?: string;
  applicationName?: string;
}

export function createPgPool(config: ConnectionConfig['pg'], options: PgPoolOptions = {}): PgPool {
  return new pg.Pool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: options.database ?? config.database,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'streamline',
    connectionTimeoutMillis: 10_000,
  });
}
