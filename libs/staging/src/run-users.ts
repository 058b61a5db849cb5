import type { PgPool } from '@streamline/clients/pg';

export interface FetchedIds {
  /** Staged by the run. */
  staged: string[];
  /** Fetched again: staged by an earlier run. */
  refetched: string[];
}

/** Ids the run fetched: those it staged (new users) and those earlier runs had staged already. */
export async function fetchedIds(pool: PgPool, runId: string): Promise<FetchedIds> {
  const { rows } = await pool.query<{ id: string; staged: boolean }>(
    'SELECT id, true AS staged FROM users_raw WHERE ingest_run_id = $1 UNION ALL SELECT id, false FROM users_refetched WHERE ingest_run_id = $1',
    [runId],
  );
  return { staged: rows.filter((r) => r.staged).map((r) => r.id), refetched: rows.filter((r) => !r.staged).map((r) => r.id) };
}

/**
 * How many of the run's outbox rows the relay has published (broker-acknowledged). The staged ->
 * published delay is not read here: the relay's ack is recorded after the broker's append, even
 * after Spark has read the record; the stored row carries the broker's own time (published_at).
 */
export async function publishedCount(pool: PgPool, runId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(published_at) AS n FROM outbox WHERE payload->>'ingest_run_id' = $1", [runId]);
  return Number(rows[0]!.n);
}

/** How many users the run staged (new ones). */
export async function stagedCount(pool: PgPool, runId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM users_raw WHERE ingest_run_id = $1', [runId]);
  return Number(rows[0]!.n);
}

/** Every id in staging, whatever the run: the set Cassandra must hold once the pipeline caught up. */
export async function allStagedIds(pool: PgPool): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM users_raw');
  return rows.map((r) => r.id);
}
