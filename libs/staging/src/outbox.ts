import type { PoolClient } from 'pg';
import type { PgPool } from '@streamline/clients';

export interface OutboxRow {
  seq: string;
  id: string;
  aggregatetype: string;
  aggregateid: string;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Claims up to `limit` unpublished rows in order and hands them to `publish`; they are marked
 * published in the same transaction only after `publish` resolved (i.e. the broker acknowledged).
 * SKIP LOCKED lets several relays run at once without sharing a row; if the process dies, the
 * transaction rolls back and the rows are claimed again (at-least-once).
 */
export async function claimOutboxBatch(pool: PgPool, limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<OutboxRow>(
      `SELECT seq, id, aggregatetype, aggregateid, type, payload FROM outbox
       WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length > 0) {
      await publish(rows);
      await client.query('UPDATE outbox SET published_at = clock_timestamp() WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export interface OutboxLag {
  unpublished: number;
  oldestAgeMs: number | null;
}

export async function outboxLag(pool: PgPool): Promise<OutboxLag> {
  const { rows } = await pool.query<{ unpublished: string; oldest_ms: string | null }>(
    `SELECT count(*) AS unpublished, (extract(epoch FROM clock_timestamp() - min(created_at)) * 1000)::bigint AS oldest_ms
     FROM outbox WHERE published_at IS NULL`,
  );
  const row = rows[0]!;
  return { unpublished: Number(row.unpublished), oldestAgeMs: row.oldest_ms === null ? null : Number(row.oldest_ms) };
}
