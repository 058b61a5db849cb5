// Whole-outbox reads for a delivery check (the relay-vs-Debezium bench compares every outbox row
// with what reached the topic). Not for a live pipeline's hot path: they scan the table.
import type { PgPool } from '@streamline/clients/pg';

/** The newest outbox sequence number (0: empty). */
export async function outboxLastSeq(pool: PgPool): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>('SELECT max(seq) AS n FROM outbox');
  return Number(rows[0]!.n ?? 0);
}

/** Rows in the outbox, published or not. */
export async function outboxRowCount(pool: PgPool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
  return Number(rows[0]!.n);
}

export interface OutboxRowSummary {
  /** The event id (the `id` header the publisher sends). */
  id: string;
  aggregateid: string;
  seq: string;
  /** created_at in epoch ms (the user's staged_at). */
  createdMs: number;
}

/** Every outbox row in sequence order. */
export async function outboxRowsInOrder(pool: PgPool): Promise<OutboxRowSummary[]> {
  const { rows } = await pool.query<{ id: string; aggregateid: string; seq: string; created_ms: number }>(
    'SELECT id::text AS id, aggregateid, seq, extract(epoch FROM created_at)::float8 * 1000 AS created_ms FROM outbox ORDER BY seq',
  );
  return rows.map((r) => ({ id: r.id, aggregateid: r.aggregateid, seq: r.seq, createdMs: Number(r.created_ms) }));
}
