// What PostgreSQL staging holds (the monitor's staging counts). Read-only, and never migrates: a
// database without the staging tables (nothing ran yet) or without a newer table
// (outbox_dead_letters) answers nulls there.
import type { PgPool } from '@streamline/clients/pg';
import { unpublishedCountSql, unpublishedOldestSecondsSql } from './outbox.js';

export interface StagingCounts {
  staged: number | null;
  refetched: number | null;
  outbox: number | null;
  unpublished: number | null;
  oldestUnpublishedSeconds: number | null;
  outboxDeadLetters: number | null;
}

const NONE: StagingCounts = { staged: null, refetched: null, outbox: null, unpublished: null, oldestUnpublishedSeconds: null, outboxDeadLetters: null };

/**
 * One round trip. The counts are exact: users_raw and users_refetched by their primary keys
 * (index-only scans), unpublished rows through the relay's partial index; the cost grows with the
 * tables (tens of ms per million rows), which is why the sampler times each read.
 */
export async function readStagingCounts(pool: PgPool): Promise<StagingCounts> {
  const { rows: present } = await pool.query<{ raw: boolean; refetched: boolean; dead: boolean; wal: boolean }>(
    `SELECT to_regclass('users_raw') IS NOT NULL AS raw, to_regclass('users_refetched') IS NOT NULL AS refetched,
            to_regclass('outbox_dead_letters') IS NOT NULL AS dead, to_regclass('outbox_wal_positions') IS NOT NULL AS wal`,
  );
  const has = present[0]!;
  if (!has.raw) return NONE;
  const { rows } = await pool.query<{ staged: string; refetched: string | null; outbox: string; unpublished: string; oldest: number | null; dead: string | null }>(
    `SELECT (SELECT count(*) FROM users_raw) AS staged,
            ${has.refetched ? '(SELECT count(*) FROM users_refetched)' : 'NULL::bigint'} AS refetched,
            (SELECT count(*) FROM outbox) AS outbox,
            (${unpublishedCountSql(has.wal)}) AS unpublished,
            (${unpublishedOldestSecondsSql(has.wal)}) AS oldest,
            ${has.dead ? '(SELECT count(*) FROM outbox_dead_letters)' : 'NULL::bigint'} AS dead`,
  );
  const r = rows[0]!;
  const num = (v: string | null) => (v === null ? null : Number(v));
  return {
    staged: Number(r.staged),
    refetched: num(r.refetched),
    outbox: Number(r.outbox),
    unpublished: Number(r.unpublished),
    oldestUnpublishedSeconds: r.oldest,
    outboxDeadLetters: num(r.dead),
  };
}
