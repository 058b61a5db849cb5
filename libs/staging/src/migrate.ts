import type { PgPool } from '@streamline/clients/pg';
import { stagingMigrations } from './migrations/index.js';
/** Advisory lock key that serialises migrations across processes. */
const MIGRATION_LOCK = 872001;

/**
 * Applies the numbered SQL files not applied yet, each in its own transaction, under an advisory
 * lock so that several processes starting at once apply each file exactly once.
 */
export async function migrateStaging(pool: PgPool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS staging_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM staging_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const { name, sql } of stagingMigrations) {
      if (done.has(name)) continue;
      await client.query('BEGIN');
      await client.query(sql);
      await client.query('INSERT INTO staging_migrations (name) VALUES ($1)', [name]);
      await client.query('COMMIT');
      applied.push(name);
    }
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
