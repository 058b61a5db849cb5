// The WAL relay's replication slot and publication (RELAY_SOURCE=wal): created, watched and
// dropped by the project, and its confirmed position recorded beside the outbox.
import type { PgPool } from '@streamline/clients/pg';
import { StreamlineError } from '@streamline/runtime';
import { DEAD_LETTER_COLUMNS, type OutboxRow, type SetAside } from './outbox.js';
import { inTransaction } from './transaction.js';

/** PostgreSQL cannot serve a logical replication slot (wal_level, a slot of another kind or database). */
export class OutboxSlotError extends StreamlineError {}

/** Slot and publication names: PostgreSQL's slot-name rule (lower-case letters, digits, underscores). */
export const SLOT_NAME = /^[a-z0-9_]{1,63}$/;

export interface OutboxSlot {
  slot: string;
  publication: string;
}

function checkNames({ slot, publication }: OutboxSlot): void {
  // Both go into statements as identifiers: the config validates them, this keeps any other caller honest.
  if (!SLOT_NAME.test(slot) || !SLOT_NAME.test(publication)) throw new OutboxSlotError(`bad slot or publication name ${JSON.stringify(slot)}, ${JSON.stringify(publication)}: expected ${SLOT_NAME}`);
}

const isDuplicate = (error: unknown) => (error as { code?: string }).code === '42710';

/**
 * Makes the publication (the outbox's inserts only: the polling relay's `published_at` updates,
 * retention's deletes and the dead letters' moves are no events) and the slot (pgoutput) when
 * missing. Fails in one line when wal_level is not logical, or when a slot of that name belongs to
 * another database or plugin. `created` says the slot is new: the rows committed before it are
 * not in its stream (the relay publishes them from the table once).
 */
export async function ensureOutboxSlot(pool: PgPool, names: OutboxSlot): Promise<{ created: boolean }> {
  checkNames(names);
  const { rows: levels } = await pool.query<{ wal_level: string }>('SHOW wal_level');
  const level = levels[0]!.wal_level;
  if (level !== 'logical') {
    throw new OutboxSlotError(`PostgreSQL has wal_level=${level}; RELAY_SOURCE=wal needs wal_level=logical (set it in postgresql.conf and restart the server), or use RELAY_SOURCE=poll`);
  }
  const { rows: pubs } = await pool.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [names.publication]);
  if (pubs.length === 0) {
    await pool.query(`CREATE PUBLICATION ${names.publication} FOR TABLE outbox WITH (publish = 'insert')`).catch((error: unknown) => {
      if (!isDuplicate(error)) throw error; // another relay made it at the same moment
    });
  }
  const existing = await pool.query<{ plugin: string; database: string; here: string }>(
    'SELECT plugin, database, current_database() AS here FROM pg_replication_slots WHERE slot_name = $1',
    [names.slot],
  );
  const found = existing.rows[0];
  if (found) {
    if (found.plugin !== 'pgoutput' || found.database !== found.here) {
      throw new OutboxSlotError(`replication slot ${names.slot} exists for database ${found.database} with plugin ${found.plugin}, not for ${found.here} with pgoutput: set RELAY_SLOT to another name, or drop it`);
    }
    return { created: false };
  }
  try {
    await pool.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [names.slot]);
  } catch (error) {
    if (isDuplicate(error)) return { created: false };
    throw error;
  }
  // What committed before the slot is not in its stream: the table's unpublished rows are owed once.
  await pool.query(
    `INSERT INTO outbox_wal_positions (slot, confirmed_lsn, confirmed_seq) SELECT $1::text, confirmed_flush_lsn, 0 FROM pg_replication_slots WHERE slot_name = $1::text
     ON CONFLICT (slot) DO UPDATE SET caught_up = false, confirmed_lsn = excluded.confirmed_lsn`,
    [names.slot],
  );
  return { created: true };
}

/**
 * The slot's recorded position (null lsn: none yet), where its stream resumes, and whether the rows
 * committed before the slot was made were published from the table (`markCaughtUp`). A slot
 * without a position row (made by hand) is owed that catch-up too.
 */
export async function readWalPosition(pool: PgPool, slot: string): Promise<{ lsn: string | null; caughtUp: boolean }> {
  const { rows } = await pool.query<{ lsn: string; caught_up: boolean }>('SELECT confirmed_lsn::text AS lsn, caught_up FROM outbox_wal_positions WHERE slot = $1', [slot]);
  const row = rows[0];
  return row ? { lsn: row.lsn === '0/0' ? null : row.lsn, caughtUp: row.caught_up } : { lsn: null, caughtUp: false };
}

export async function markCaughtUp(pool: PgPool, slot: string): Promise<void> {
  await pool.query(
    `INSERT INTO outbox_wal_positions (slot, confirmed_lsn, confirmed_seq, caught_up) VALUES ($1, '0/0', 0, true)
     ON CONFLICT (slot) DO UPDATE SET caught_up = true`,
    [slot],
  );
}

/** Drops the slot (false: there was none). A slot a running relay holds is refused in one line. */
export async function dropOutboxSlot(pool: PgPool, slot: string): Promise<boolean> {
  const { rows } = await pool.query<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  if (rows.length === 0) return false;
  if (rows[0]!.active_pid !== null) throw new OutboxSlotError(`replication slot ${slot} is in use by process ${rows[0]!.active_pid}: stop its relay first`);
  await pool.query('SELECT pg_drop_replication_slot($1)', [slot]);
  return true;
}

export interface SlotLag {
  slot: string;
  /** WAL the slot holds back from the server's current position, in bytes (a disk risk when it grows). */
  lagBytes: number;
  confirmedLsn: string | null;
  /** A relay is streaming from it. */
  active: boolean;
}

/** A slot's lag in bytes, one definition (the relay's gauge and the monitor's): over pg_replication_slots' columns. */
const SLOT_LAG_BYTES_SQL = 'pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))::float8';

/** The slot's lag (null: no such slot). */
export async function outboxSlotLag(pool: PgPool, slot: string): Promise<SlotLag | null> {
  const { rows } = await pool.query<{ active: boolean; confirmed: string | null; lag: number | null }>(
    `SELECT active, confirmed_flush_lsn::text AS confirmed,
            ${SLOT_LAG_BYTES_SQL} AS lag
     FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  const row = rows[0];
  return row ? slotLagOf(slot, row) : null;
}

/** A pg_replication_slots row as a slot's lag: one mapping for the relay's gauge and the monitor's view. */
function slotLagOf(slot: string, row: { active: boolean; confirmed: string | null; lag: number | null }): SlotLag {
  return { slot, lagBytes: Math.max(0, row.lag ?? 0), confirmedLsn: row.confirmed, active: row.active };
}

/** undefined_table: the relation named in the query does not exist. */
const isUndefinedTable = (error: unknown) => (error as { code?: string }).code === '42P01';

export interface OutboxSlotState extends SlotLag {
  /** Outbox rows past the slot's confirmed seq that nothing marked published: what it still owes. */
  records: number;
}

/**
 * The WAL relay's slots in this database, read-only (the monitor's view): those with a recorded
 * position in outbox_wal_positions (every slot a relay made or streamed from has one), whether or
 * not a relay is reading them, so one left behind shows too. None on a database where no relay ran
 * in wal mode (no such table: not migrated that far, which this never does).
 */
export async function readOutboxSlots(pool: PgPool): Promise<OutboxSlotState[]> {
  // The records: a range on the outbox's partial index of unpublished rows (as the staging counts read it).
  // One round trip per tick: a database not migrated yet answers undefined_table (which PostgreSQL
  // logs; a migrated one never does), read as no slots.
  const result = await pool.query<{ slot: string; active: boolean; confirmed: string | null; lag: number | null; records: string }>(
    `SELECT s.slot_name AS slot, s.active, s.confirmed_flush_lsn::text AS confirmed, ${SLOT_LAG_BYTES_SQL} AS lag,
            (SELECT count(*) FROM outbox o WHERE o.published_at IS NULL AND o.seq > p.confirmed_seq) AS records
     FROM pg_replication_slots s JOIN outbox_wal_positions p ON p.slot = s.slot_name
     WHERE s.database = current_database()
     ORDER BY s.slot_name`,
  ).catch((error: unknown) => {
    if (isUndefinedTable(error)) return undefined;
    throw error;
  });
  return (result?.rows ?? []).map((r) => ({ ...slotLagOf(r.slot, r), records: Number(r.records) }));
}

/** An outbox row as the WAL stream carries it (the insert's whole tuple). */
export interface StreamedOutboxRow extends OutboxRow {
  created_at: Date;
}

/**
 * After the broker acknowledged a WAL batch: in one transaction, the rows it could not send go to
 * outbox_dead_letters (from the streamed tuple; the table's row, if retention left it, is removed so
 * `--requeue-dead-letters` can put it back under its seq), and the slot's position moves to `lsn`
 * with the highest seq published. Only then is the position confirmed to the slot.
 */
export async function recordWalPosition(
  pool: PgPool,
  position: { slot: string; lsn: string; maxSeq: string | null },
  setAside: ReadonlyArray<SetAside & { row: StreamedOutboxRow }> = [],
): Promise<void> {
  await inTransaction(pool, async (client) => {
    if (setAside.length > 0) {
      const rows = setAside.map((s) => s.row);
      await client.query(
        `WITH bad AS (
           SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::text[])
             AS b(seq, id, aggregatetype, aggregateid, type, payload, created_at, reason)),
         gone AS (DELETE FROM outbox o USING bad WHERE o.seq = bad.seq)
         INSERT INTO outbox_dead_letters (${DEAD_LETTER_COLUMNS})
         SELECT ${DEAD_LETTER_COLUMNS} FROM bad
         ON CONFLICT (seq) DO NOTHING`,
        [
          rows.map((r) => r.seq),
          rows.map((r) => r.id),
          rows.map((r) => r.aggregatetype),
          rows.map((r) => r.aggregateid),
          rows.map((r) => r.type),
          rows.map((r) => JSON.stringify(r.payload)),
          rows.map((r) => r.created_at),
          setAside.map((s) => s.reason),
        ],
      );
    }
    await client.query(
      `INSERT INTO outbox_wal_positions (slot, confirmed_lsn, confirmed_seq) VALUES ($1, $2::pg_lsn, coalesce($3::bigint, 0))
       ON CONFLICT (slot) DO UPDATE SET confirmed_lsn = greatest(outbox_wal_positions.confirmed_lsn, excluded.confirmed_lsn),
         confirmed_seq = greatest(outbox_wal_positions.confirmed_seq, excluded.confirmed_seq), confirmed_at = clock_timestamp()`,
      [position.slot, position.lsn, position.maxSeq],
    );
  });
}

/**
 * Emits a marker into the WAL (a non-transactional logical message): every transaction committed
 * before it reaches the stream before the marker does. `relay --once` in wal mode drains up to it.
 */
export async function emitOutboxMarker(pool: PgPool, prefix: string, content: string): Promise<string> {
  const { rows } = await pool.query<{ lsn: string }>('SELECT pg_logical_emit_message(false, $1, $2)::text AS lsn', [prefix, content]);
  return rows[0]!.lsn;
}
