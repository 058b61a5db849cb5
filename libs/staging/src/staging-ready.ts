import type { PgPool } from '@streamline/clients/pg';
import { StreamlineError } from '@streamline/runtime';
import { stagingMigrations } from './migrations/index.js';

/** Staging is not (fully) migrated in this database: a read-only command has nothing to read yet. */
export class StagingNotReadyError extends StreamlineError {}

/**
 * For read-only commands, which never migrate: fails in one line when the database lacks the
 * staging tables or a migration this code expects.
 */
export async function requireStaging(pool: PgPool): Promise<void> {
  const { rows } = await pool.query<{ db: string; exists: boolean }>(`SELECT current_database() AS db, to_regclass('staging_migrations') IS NOT NULL AS exists`);
  const { db, exists } = rows[0]!;
  const applied = exists ? new Set((await pool.query<{ name: string }>('SELECT name FROM staging_migrations')).rows.map((r) => r.name)) : new Set<string>();
  const missing = stagingMigrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
  if (missing.length === stagingMigrations.length) {
    throw new StagingNotReadyError(`database ${db} has no staging tables yet: start the stack and the pipeline first (npm start), or the ingestor or relay, which create them`);
  }
  if (missing.length > 0) {
    throw new StagingNotReadyError(`database ${db} lacks staging migration ${missing.join(', ')}: start the relay or the ingestor of this version once, which applies it`);
  }
}
