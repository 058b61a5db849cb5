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

export interface RelayStats {
  published: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** How the relay did for one run: rows published and the staged -> published delay. */
export async function relayStats(pool: PgPool, runId: string): Promise<RelayStats> {
  const { rows } = await pool.query<{ published: string; p50: number | null; p99: number | null }>(
    `SELECT count(published_at) AS published,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at) * 1000) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at) * 1000) AS p99
     FROM outbox WHERE payload->>'ingest_run_id' = $1`,
    [runId],
  );
  const r = rows[0]!;
  return { published: Number(r.published), p50Ms: r.p50, p99Ms: r.p99 };
}

/** How many users the run staged (new ones). */
export async function stagedCount(pool: PgPool, runId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM users_raw WHERE ingest_run_id = $1', [runId]);
  return Number(rows[0]!.n);
}
