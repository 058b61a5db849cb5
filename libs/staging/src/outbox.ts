import type { PoolClient } from 'pg';
import type { PgPool } from '@streamline/clients/pg';

export interface OutboxRow {
  seq: string;
  id: string;
  aggregatetype: string;
  aggregateid: string;
  type: string;
  payload: Record<string, unknown>;
}

/** An outbox row the relay cannot publish, and why (one line). */
export interface SetAside {
  seq: string;
  reason: string;
}

export interface ClaimResult {
  /** Rows claimed in this round: published plus set aside. */
  claimed: number;
  published: number;
  /** The rows moved to outbox_dead_letters, with their reasons. */
  setAside: SetAside[];
}

/**
 * Claims up to `limit` unpublished rows in order and hands them to `publish`, which sends what it
 * can and returns the rows it cannot (with reasons). In the same transaction, once `publish`
 * resolved (the broker acknowledged), the sent rows are marked published and the others move to
 * `outbox_dead_letters`, so one bad row never holds up the rows after it.
 * SKIP LOCKED lets several relays run at once without sharing a row; if the process dies, the
 * transaction rolls back and the rows are claimed again (at-least-once).
 */
export async function claimOutboxBatch(pool: PgPool, limit: number, publish: (rows: OutboxRow[]) => Promise<SetAside[]>): Promise<ClaimResult> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<OutboxRow>(
      `SELECT seq, id, aggregatetype, aggregateid, type, payload FROM outbox
       WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    let setAside: SetAside[] = [];
    if (rows.length > 0) {
      setAside = await publish(rows);
      if (setAside.length > 0) {
        await client.query(
          `WITH bad AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS b(seq, reason)),
           moved AS (DELETE FROM outbox o USING bad WHERE o.seq = bad.seq RETURNING o.*, bad.reason)
           INSERT INTO outbox_dead_letters (seq, id, aggregatetype, aggregateid, type, payload, created_at, reason)
           SELECT seq, id, aggregatetype, aggregateid, type, payload, created_at, reason FROM moved
           ON CONFLICT (seq) DO NOTHING`,
          [setAside.map((r) => r.seq), setAside.map((r) => r.reason)],
        );
      }
      const bad = new Set(setAside.map((r) => r.seq));
      const sent = rows.filter((r) => !bad.has(r.seq)).map((r) => r.seq);
      if (sent.length > 0) await client.query('UPDATE outbox SET published_at = clock_timestamp() WHERE seq = ANY($1::bigint[])', [sent]);
    }
    await client.query('COMMIT');
    return { claimed: rows.length, published: rows.length - setAside.length, setAside };
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
  /** Rows set aside in outbox_dead_letters, and the newest one's reason. */
  deadLetters: number;
  lastDeadLetter: { seq: string; reason: string; setAsideAt: string } | null;
}

/** The outbox lag, defined once (the relay's lag and the monitor's staging counts): rows not published yet, through the relay's partial index. */
export const UNPUBLISHED_COUNT_SQL = 'SELECT count(*) FROM outbox WHERE published_at IS NULL';
/** ...and the age of the oldest of them in seconds (null: none). */
export const UNPUBLISHED_OLDEST_SECONDS_SQL = 'SELECT extract(epoch FROM clock_timestamp() - min(created_at))::float8 FROM outbox WHERE published_at IS NULL';

export async function outboxLag(pool: PgPool): Promise<OutboxLag> {
  const [lag, dead] = await Promise.all([
    pool.query<{ unpublished: string; oldest_s: number | null }>(`SELECT (${UNPUBLISHED_COUNT_SQL}) AS unpublished, (${UNPUBLISHED_OLDEST_SECONDS_SQL}) AS oldest_s`),
    pool.query<{ n: string; seq: string | null; reason: string | null; set_aside_at: Date | null }>(
      `SELECT (SELECT count(*) FROM outbox_dead_letters) AS n, seq, reason, set_aside_at
       FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT seq, reason, set_aside_at FROM outbox_dead_letters ORDER BY set_aside_at DESC, seq DESC LIMIT 1) d ON true`,
    ),
  ]);
  const row = lag.rows[0]!;
  const d = dead.rows[0]!;
  return {
    unpublished: Number(row.unpublished),
    oldestAgeMs: row.oldest_s === null ? null : Math.round(row.oldest_s * 1000),
    deadLetters: Number(d.n),
    lastDeadLetter: d.seq === null ? null : { seq: d.seq, reason: d.reason!, setAsideAt: d.set_aside_at!.toISOString() },
  };
}

/**
 * Retention: deletes up to `batchSize` published outbox rows created more than `olderThanMs` ago
 * (users_raw keeps the history; the outbox is only the hand-over). Small batches, each its own
 * statement, so the relay's claims are never blocked for long; rows another transaction holds are
 * skipped. Returns the number deleted.
 */
export async function pruneOutbox(pool: PgPool, olderThanMs: number, batchSize: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM outbox WHERE seq IN (
       SELECT seq FROM outbox
       WHERE created_at < clock_timestamp() - $1 * interval '1 millisecond' AND published_at IS NOT NULL
       ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [olderThanMs, batchSize],
  );
  return rowCount ?? 0;
}

/**
 * Moves every row set aside back into the outbox under its own seq (so it is claimed first), for
 * after the cause was mended (a route added, the payload corrected in outbox_dead_letters).
 */
export async function requeueDeadLetters(pool: PgPool): Promise<number> {
  const { rowCount } = await pool.query(
    `WITH moved AS (DELETE FROM outbox_dead_letters RETURNING seq, id, aggregatetype, aggregateid, type, payload, created_at)
     INSERT INTO outbox (seq, id, aggregatetype, aggregateid, type, payload, created_at) SELECT * FROM moved`,
  );
  return rowCount ?? 0;
}
