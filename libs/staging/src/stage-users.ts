import type { PgPool } from '@streamline/clients/pg';
import { createParameterBuffers } from './parameter-buffers.js';
import { type StagingItem, stagingParameter } from './staging-parameters.js';
import { inTransaction } from './transaction.js';

/** The channel the relay LISTENs on; one NOTIFY per committed batch. */
export const OUTBOX_CHANNEL = 'outbox_new';

/** The outbox event of a staged user, with Debezium's meaning: `aggregatetype` the domain, `type` the event. */
export const USER_EVENT = Object.freeze({ aggregatetype: 'user', type: 'UserCreated' });

/** The buffers the batches' parameters are built in, reused once each statement is done. */
const parameterBuffers = createParameterBuffers();

export interface StageResult {
  staged: number;
  duplicates: number;
}

/** stageUsers' statement; $1 is stagingParameter's `[[raw, ...], [record, ...]]`. */
const STAGE_SQL = `WITH input AS (
   -- A user twice in one batch is staged once.
   SELECT DISTINCT ON (id) (record->>'id')::uuid AS id, raw, record
   FROM ROWS FROM (jsonb_array_elements($1::jsonb -> 0), jsonb_array_elements($1::jsonb -> 1)) AS t(raw, record)
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
 FROM inserted JOIN input USING (id)`;

/**
 * Stages a batch in one transaction: new users into users_raw (a user already there is skipped),
 * and for each new one an outbox row carrying the record with its staged_at; a user staged before
 * is noted in users_refetched for this run. One round trip, whatever the batch size.
 *
 * The batch travels as one jsonb parameter holding two arrays, the raw results and the records
 * (staging-parameters.ts builds it), zipped back into rows by ROWS FROM: one jsonb parse on the
 * server, where per-user jsonb[] elements cost an array-literal escape of each JSON text in
 * node-postgres and an unescape on the server (most of the staging CPU before).
 */
export async function stageUsers(pool: PgPool, batch: readonly StagingItem[]): Promise<StageResult> {
  if (batch.length === 0) return { staged: 0, duplicates: 0 };
  return inTransaction(pool, async (client) => {
    const parameter = stagingParameter(batch, parameterBuffers);
    let res;
    try {
      res = await client.query(STAGE_SQL, [parameter, USER_EVENT.aggregatetype, USER_EVENT.type]);
    } finally {
      // Done with: node-postgres copied it into the message it sent. Reusable.
      parameterBuffers.give(parameter);
    }
    await client.query(`NOTIFY ${OUTBOX_CHANNEL}`);
    const staged = res.rowCount ?? 0;
    return { staged, duplicates: batch.length - staged };
  });
}
