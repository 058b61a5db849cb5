import { inTransaction } from './transaction.js';
import type { PgPool } from '@streamline/clients/pg';
import { OUTBOX_CHANNEL, USER_EVENT } from './stage-users.js';

/** Which staged users to send again: those a run fetched (staged or fetched again), or staged since a time. */
export type ReplayFilter = { runId: string; since?: undefined } | { since: Date; runId?: undefined };

export interface StagedUser {
  id: string;
  raw: unknown;
  source: string;
  ingestRunId: string;
  stagedAt: Date;
}

/**
 * Replay: puts staged users back into the outbox as new events (new event ids, the same record as
 * first staged, with its original staged_at), in batches of `batchSize`, each one transaction with
 * a NOTIFY, so the relay publishes them like any row and the idempotent store absorbs them. The
 * record is made again from the raw JSON kept in users_raw by `toRecord` (the ingestor's mapper),
 * so a fixed mapper applies to a replay. Walks users_raw by id (keyset), never holding more than a
 * batch. Returns the number of users re-sent.
 */
export async function replayStagedUsers(
  pool: PgPool,
  filter: ReplayFilter,
  toRecord: (user: StagedUser) => Record<string, unknown>,
  options: { batchSize: number; onBatch?: (sent: number) => void },
): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let sent = 0;
  for (;;) {
    // staged_at in ms exactly as staging first wrote it into the payload (rounded, not truncated).
    const { rows } = await pool.query<{ id: string; raw: unknown; source: string; ingest_run_id: string; staged_at: Date; staged_ms: string }>(
      filter.runId !== undefined
        ? `SELECT id::text, raw, source, ingest_run_id, staged_at, (extract(epoch FROM staged_at) * 1000)::bigint AS staged_ms FROM users_raw
           WHERE id > $2::uuid AND (ingest_run_id = $1 OR id IN (SELECT id FROM users_refetched WHERE ingest_run_id = $1))
           ORDER BY id LIMIT $3`
        : `SELECT id::text, raw, source, ingest_run_id, staged_at, (extract(epoch FROM staged_at) * 1000)::bigint AS staged_ms FROM users_raw
           WHERE id > $2::uuid AND staged_at >= $1 ORDER BY id LIMIT $3`,
      [filter.runId ?? filter.since, after, options.batchSize],
    );
    if (rows.length === 0) return sent;
    const events = rows.map((r) => ({
      id: r.id,
      payload: { ...toRecord({ id: r.id, raw: r.raw, source: r.source, ingestRunId: r.ingest_run_id, stagedAt: r.staged_at }), staged_at: Number(r.staged_ms) },
    }));
    await inTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
         SELECT gen_random_uuid(), $2, e.id, $3, e.payload FROM jsonb_to_recordset($1::jsonb) AS e(id text, payload jsonb)`,
        [JSON.stringify(events), USER_EVENT.aggregatetype, USER_EVENT.type],
      );
      await client.query(`NOTIFY ${OUTBOX_CHANNEL}`);
    });
    sent += rows.length;
    options.onBatch?.(sent);
    after = rows.at(-1)!.id;
  }
}
