// One user followed through staging (the monitor's find-a-user): its users_raw row, the runs that
// fetched it again, its newest outbox row and outbox dead letter. Read-only, never migrates: a table
// missing (nothing ran yet, or a table of a newer migration) reads as no rows. Every statement is
// parameterized.
import type { PgPool } from '@streamline/clients/pg';

export interface StagedUserTrace {
  staged: { stagedAt: Date; email: string; firstName: string; lastName: string; source: string; ingestRunId: string } | null;
  /** Runs that fetched the user again after it was staged, in run id order. */
  refetchedBy: string[];
  /** The newest outbox row of the user (publishedAt: the relay's broker ack, null while waiting). */
  outbox: { seq: string; createdAt: Date; publishedAt: Date | null } | null;
  /** The newest row the relay set aside for it. */
  deadLetter: { reason: string; setAsideAt: Date } | null;
}

const undefinedTable = (error: unknown) => (error as { code?: string }).code === '42P01';

async function rowsOf<T extends object>(pool: PgPool, sql: string, params: unknown[]): Promise<T[]> {
  try {
    return (await pool.query<T>(sql, params)).rows;
  } catch (error) {
    if (undefinedTable(error)) return [];
    throw error;
  }
}

/** Ids staged with this e-mail (case and surrounding spaces ignored), newest first, through the index on lower(email) (migration 007). */
export async function stagedIdsByEmail(pool: PgPool, email: string, limit: number): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(pool, 'SELECT id FROM users_raw WHERE lower(email) = lower($1) ORDER BY staged_at DESC LIMIT $2', [email.trim(), limit]);
  return rows.map((r) => r.id);
}

export async function traceStagedUser(pool: PgPool, id: string): Promise<StagedUserTrace> {
  const [staged] = await rowsOf<{ staged_at: Date; email: string; first_name: string; last_name: string; source: string; ingest_run_id: string }>(
    pool,
    'SELECT staged_at, email, first_name, last_name, source, ingest_run_id FROM users_raw WHERE id = $1',
    [id],
  );
  const refetched = staged ? await rowsOf<{ ingest_run_id: string }>(pool, 'SELECT ingest_run_id FROM users_refetched WHERE id = $1 ORDER BY ingest_run_id', [id]) : [];
  // created_at = the user's staged_at (same statement), so the range lets the BRIN index on created_at help.
  const since = staged?.staged_at ?? new Date(0);
  const [outbox] = await rowsOf<{ seq: string; created_at: Date; published_at: Date | null }>(
    pool,
    'SELECT seq, created_at, published_at FROM outbox WHERE aggregateid = $1 AND created_at >= $2 ORDER BY seq DESC LIMIT 1',
    [id, since],
  );
  const [dead] = await rowsOf<{ reason: string; set_aside_at: Date }>(
    pool,
    'SELECT reason, set_aside_at FROM outbox_dead_letters WHERE aggregateid = $1 AND created_at >= $2 ORDER BY seq DESC LIMIT 1',
    [id, since],
  );
  return {
    staged: staged
      ? { stagedAt: staged.staged_at, email: staged.email, firstName: staged.first_name, lastName: staged.last_name, source: staged.source, ingestRunId: staged.ingest_run_id }
      : null,
    refetchedBy: refetched.map((r) => r.ingest_run_id),
    outbox: outbox ? { seq: outbox.seq, createdAt: outbox.created_at, publishedAt: outbox.published_at } : null,
    deadLetter: dead ? { reason: dead.reason, setAsideAt: dead.set_aside_at } : null,
  };
}
