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
  const admin = new pg.Pool({ ...conn, database: 'postgres', max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await fn({
      name,
      async tableCount() {
        const probe = new pg.Pool({ ...conn, database: name, max: 1 });
        const { rows } = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`).finally(() => probe.end());
        return rows[0]!.n;
      },
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.end());
  }
}
