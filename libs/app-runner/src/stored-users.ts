import type { CassandraClient, PgPool } from '@streamline/clients';
import { CASSANDRA } from '@streamline/config';

export interface StoredRow {
  id: string;
  latencyMs: number;
}

/**
 * Looks the ids up in Cassandra (partition-key IN lists of 100, a few in flight) and returns
 * those stored, with their end-to-end latency (stored_at - staged_at).
 */
export async function storedRows(client: CassandraClient, ids: string[], table = `${CASSANDRA.keyspace}.${CASSANDRA.table}`): Promise<StoredRow[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100));
  const out: StoredRow[] = [];
  const query = `SELECT id, staged_at, stored_at FROM ${table} WHERE id IN ?`;
  for (let i = 0; i < chunks.length; i += 8) {
    const results = await Promise.all(chunks.slice(i, i + 8).map((chunk) => client.execute(query, [chunk], { prepare: true })));
    for (const rs of results) {
      for (const row of rs.rows) {
        out.push({ id: row.get('id').toString(), latencyMs: row.get('stored_at').getTime() - row.get('staged_at').getTime() });
      }
    }
  }
  return out;
}

export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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
