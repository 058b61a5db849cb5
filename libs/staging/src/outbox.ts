import type { PgPool } from '@streamline/clients/pg';
import { outboxSlotLag, type SlotLag } from './outbox-slot.js';
import { inTransaction } from './transaction.js';

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
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<OutboxRow>(
      `SELECT seq, id, aggregatetype, aggregateid, type, payload FROM outbox
       WHERE ${UNPUBLISHED_WHERE} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    let setAside: SetAside[] = [];
    if (rows.length > 0) {
      setAside = await publish(rows);
      if (setAside.length > 0) {
        await client.query(
          `WITH bad AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS b(seq, reason)),
           moved AS (DELETE FROM outbox o USING bad WHERE o.seq = bad.seq RETURNING o.*, bad.reason)
           INSERT INTO outbox_dead_letters (${DEAD_LETTER_COLUMNS})
           SELECT ${DEAD_LETTER_COLUMNS} FROM moved
           ON CONFLICT (seq) DO NOTHING`,
          [setAside.map((r) => r.seq), setAside.map((r) => r.reason)],
        );
      }
      const bad = new Set(setAside.map((r) => r.seq));
      const sent = rows.filter((r) => !bad.has(r.seq)).map((r) => r.seq);
      if (sent.length > 0) await client.query('UPDATE outbox SET published_at = clock_timestamp() WHERE seq = ANY($1::bigint[])', [sent]);
    }
    return { claimed: rows.length, published: rows.length - setAside.length, setAside };
  });
}

/** A dead letter's columns: the outbox row's own, and why it was set aside. */
export const DEAD_LETTER_COLUMNS = 'seq, id, aggregatetype, aggregateid, type, payload, created_at, reason';

export interface OutboxLag {
  unpublished: number;
  oldestAgeMs: number | null;
  /** Rows set aside in outbox_dead_letters, and the newest one's reason. */
  deadLetters: number;
  lastDeadLetter: { seq: string; reason: string; setAsideAt: string } | null;
  /** With a slot asked for (RELAY_SOURCE=wal): its lag in bytes and confirmed position; null when it does not exist. */
  slot?: SlotLag | null;
}

/**
 * The highest outbox seq a WAL relay confirmed (0: none ever ran): the rows at or below it were
 * published without a `published_at` mark (RELAY_SOURCE=wal; see outbox_wal_positions).
 */
export const WAL_PUBLISHED_SEQ_SQL = 'SELECT coalesce(max(confirmed_seq), 0) FROM outbox_wal_positions';
/**
 * What "not published yet" means, defined once: not marked by the polling relay, and past what a
 * WAL relay confirmed. A range on the relay's partial index (`seq` where `published_at IS NULL`).
 */
export const UNPUBLISHED_WHERE = `published_at IS NULL AND seq > (${WAL_PUBLISHED_SEQ_SQL})`;
const unpublishedSql = (walPositions: boolean) => (walPositions ? UNPUBLISHED_WHERE : 'published_at IS NULL');

/**
 * The outbox lag (the relay's lag and the monitor's staging counts): rows not published yet.
 * `walPositions` false: a database migrated before outbox_wal_positions existed (the monitor's reads).
 */
export const unpublishedCountSql = (walPositions = true) => `SELECT count(*) FROM outbox WHERE ${unpublishedSql(walPositions)}`;
/** ...and the age of the oldest of them in seconds (null: none). */
export const unpublishedOldestSecondsSql = (walPositions = true) => `SELECT extract(epoch FROM clock_timestamp() - min(created_at))::float8 FROM outbox WHERE ${unpublishedSql(walPositions)}`;

export async function outboxLag(pool: PgPool, options: { slot?: string } = {}): Promise<OutboxLag> {
  const [lag, dead, slot] = await Promise.all([
    pool.query<{ unpublished: string; oldest_s: number | null }>(`SELECT (${unpublishedCountSql()}) AS unpublished, (${unpublishedOldestSecondsSql()}) AS oldest_s`),
    pool.query<{ n: string; seq: string | null; reason: string | null; set_aside_at: Date | null }>(
      `SELECT (SELECT count(*) FROM outbox_dead_letters) AS n, seq, reason, set_aside_at
       FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT seq, reason, set_aside_at FROM outbox_dead_letters ORDER BY set_aside_at DESC, seq DESC LIMIT 1) d ON true`,
    ),
    options.slot === undefined ? undefined : outboxSlotLag(pool, options.slot),
  ]);
  const row = lag.rows[0]!;
  const d = dead.rows[0]!;
  return {
    unpublished: Number(row.unpublished),
    oldestAgeMs: row.oldest_s === null ? null : Math.round(row.oldest_s * 1000),
    deadLetters: Number(d.n),
    lastDeadLetter: d.seq === null ? null : { seq: d.seq, reason: d.reason!, setAsideAt: d.set_aside_at!.toISOString() },
    ...(options.slot === undefined ? {} : { slot: slot ?? null }),
  };
}

/**
 * Retention: deletes up to `batchSize` published outbox rows (marked, or at or below a WAL relay's
 * confirmed seq) created more than `olderThanMs` ago
 * (users_raw keeps the history; the outbox is only the hand-over). Small batches, each its own
 * statement, so the relay's claims are never blocked for long; rows another transaction holds are
 * skipped. Returns the number deleted.
 */
export async function pruneOutbox(pool: PgPool, olderThanMs: number, batchSize: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM outbox WHERE seq IN (
       SELECT seq FROM outbox
       WHERE created_at < clock_timestamp() - $1 * interval '1 millisecond' AND NOT (${UNPUBLISHED_WHERE})
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
