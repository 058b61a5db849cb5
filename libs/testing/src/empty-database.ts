import pg from 'pg';
import type { ConnectionConfig } from '@streamline/config';
import { uniqueName } from './unique-name.js';

/**
 * Runs `fn` with a new, empty PostgreSQL database (dropped afterwards) and a way to count the
 * tables in it: for checking that a read-only command created nothing.
 */
export async function withEmptyDatabase<T>(conn: ConnectionConfig['pg'], fn: (db: { name: string; tableCount(): Promise<number> }) => Promise<T>): Promise<T> {
  const name = uniqueName('it_empty');
  // node-postgres itself, not libs/clients: the clients' own tests use this lib.
  const admin = quiet(new pg.Pool({ ...conn, database: 'postgres', max: 1 }));
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await fn({
      name,
      async tableCount() {
        const probe = quiet(new pg.Pool({ ...conn, database: name, max: 1 }));
        const { rows } = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`).finally(() => probe.end());
        return rows[0]!.n;
      },
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.end());
  }
}

/**
 * DROP DATABASE ... WITH (FORCE) ends every session of that database with FATAL 57P01; a client
 * still idle in a pool then emits 'error', which unheard ends the test run. The queries themselves
 * still reject to the caller.
 */
function quiet(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
