import type { PgPool } from '@streamline/clients/pg';
import type { UserToStage } from '@streamline/user-schema';
import { inTransaction } from './transaction.js';

/** The channel the relay LISTENs on; one NOTIFY per committed batch. */
export const OUTBOX_CHANNEL = 'outbox_new';

/** The outbox event of a staged user, with Debezium's meaning: `aggregatetype` the domain, `type` the event. */
export const USER_EVENT = Object.freeze({ aggregatetype: 'user', type: 'UserCreated' });

export interface StageResult {
  staged: number;
  duplicates: number;
}

/** A batch to stage as the one JSON parameter stageUsers sends (its cost measured on its own by apps/ingestor/scripts/cpu-per-user.bench.ts). */
export function stagingParameter(batch: ReadonlyArray<{ raw: unknown; record: UserToStage }>): string {
  return JSON.stringify(batch.map((u) => ({ id: u.record.id, raw: u.raw, record: u.record })));
}

/**
 * Stages a batch in one transaction: new users into users_raw (a user already there is skipped),
 * and for each new one an outbox row carrying the record with its staged_at; a user staged before
 * is noted in users_refetched for this run. One round trip, whatever the batch size.
 *
 * The batch travels as one JSON array parameter: a single JSON.stringify on the client and one
 * jsonb parse on the server, where per-user jsonb[] elements cost an array-literal escape of each
 * JSON text in node-postgres and an unescape on the server (most of the staging CPU before).
 */
export async function stageUsers(pool: PgPool, batch: Array<{ raw: unknown; record: UserToStage }>): Promise<StageResult> {
  if (batch.length === 0) return { staged: 0, duplicates: 0 };
  return inTransaction(pool, async (client) => {
    const res = await client.query(
      `WITH input AS (
         -- A user twice in one batch is staged once.
         SELECT DISTINCT ON (id) id, raw, record FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, raw jsonb, record jsonb)
       ), inserted AS (
         INSERT INTO users_raw (id, raw, first_name, last_name, email, source, ingest_run_id)
         SELECT id, raw, record->>'first_name', record->>'last_name', record->>'email', record->>'source', record->>'ingest_run_id'
         FROM input
         ON CONFLICT (id) DO NOTHING
         RETURNING id, staged_at
       ), refetched AS (
         -- Staged by an earlier run: remembered for this run too (none in a run of new users).
         INSERT INTO users_refetched (ingest_run_id, id)
         SELECT record->>'ingest_run_id', id FROM input WHERE id NOT IN (SELECT id FROM inserted)
         ON CONFLICT DO NOTHING
       )
       INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at)
       SELECT gen_random_uuid(), $2, inserted.id::text, $3,
              input.record || jsonb_build_object('staged_at', (extract(epoch FROM inserted.staged_at) * 1000)::bigint),
              inserted.staged_at
       FROM inserted JOIN input USING (id)`,
      [stagingParameter(batch), USER_EVENT.aggregatetype, USER_EVENT.type],
    );
    await client.query(`NOTIFY ${OUTBOX_CHANNEL}`);
    const staged = res.rowCount ?? 0;
    return { staged, duplicates: batch.length - staged };
  });
}
