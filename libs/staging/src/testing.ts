import { createPgPool } from '@streamline/clients/pg';
import type { ConnectionConfig } from '@streamline/config';
import { randomBytes } from 'node:crypto';

// For tests only (the '@streamline/staging/testing' entry point).

/**
 * Runs `fn` with a new, empty PostgreSQL database (dropped afterwards) and a way to count the
 * tables in it: for checking that a read-only command created nothing.
 */
export async function withEmptyDatabase<T>(conn: ConnectionConfig['pg'], fn: (db: { name: string; tableCount(): Promise<number> }) => Promise<T>): Promise<T> {
  const name = `it_empty_${randomBytes(6).toString('hex')}`;
  // createPgPool keeps quiet the FATAL 57P01 that DROP DATABASE ... WITH (FORCE) sends an idle
  // client (unheard, that 'error' would end the test run); the queries still reject to the caller.
  const admin = createPgPool(conn, { database: 'postgres', max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await fn({
      name,
      async tableCount() {
        const probe = createPgPool(conn, { database: name, max: 1 });
        const { rows } = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`).finally(() => probe.end());
        return rows[0]!.n;
      },
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.end());
  }
}
export * from './jsonb-model.js';
