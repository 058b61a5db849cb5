import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPgPool } from '@streamline/clients/pg';
import { testConnections } from '@streamline/testing';
import { mapApiUser } from '@streamline/user-schema';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';
import {
  claimOutboxBatch,
  fetchedIds,
  migrateStaging,
  outboxLag,
  outboxLastSeq,
  outboxRowCount,
  outboxRowsInOrder,
  publishedCount,
  readOutboxSlots,
  readStagingCounts,
  stagedCount,
  stagedIdsByEmail,
  stageUsers,
  traceStagedUser,
} from '@streamline/staging';
import { withEmptyDatabase } from '@streamline/staging/testing';

const config = testConnections();

/** A generated-looking user of run `runId`, with its own id and e-mail. */
function user(runId: string, email = `${randomUUID()}@example.com`) {
  const raw = { ...apiUserNumericPostcode, email, login: { ...apiUserNumericPostcode.login, uuid: randomUUID() } };
  return { raw, record: mapApiUser(raw, { source: 'generator', ingestRunId: runId }) };
}

/** The staging reads other processes use (the monitor, the pipeline runner, the benches), on the real PostgreSQL. */
describe('staging reads (real PostgreSQL)', () => {
  it('answer nulls and empties on a database with no staging tables, and create none', async () => {
    await withEmptyDatabase(config.pg, async (db) => {
      const pool = createPgPool({ ...config.pg, database: db.name }, { max: 1 });
      try {
        expect(await readStagingCounts(pool)).toEqual({ staged: null, refetched: null, outbox: null, unpublished: null, oldestUnpublishedSeconds: null, outboxDeadLetters: null });
        expect(await stagedIdsByEmail(pool, 'a@example.com', 10)).toEqual([]);
        expect(await traceStagedUser(pool, randomUUID())).toEqual({ staged: null, refetchedBy: [], outbox: null, deadLetter: null });
        // No outbox_wal_positions: no slots (its undefined_table read as such), not an error.
        expect(await readOutboxSlots(pool)).toEqual([]);
        expect(await db.tableCount()).toBe(0);
      } finally {
        await pool.end();
      }
    });
  });

  it('count, trace and summarize what two runs staged and the relay published or set aside', async () => {
    await withEmptyDatabase(config.pg, async (db) => {
      const pool = createPgPool({ ...config.pg, database: db.name }, { max: 2 });
      try {
        await migrateStaging(pool);
        const shared = `Shared.${randomUUID()}@Example.com`;
        const first = [user('run-1', shared), user('run-1'), user('run-1'), user('run-1')];
        expect(await stageUsers(pool, first)).toEqual({ staged: 4, duplicates: 0 });
        // run-2 fetches one of them again and one new user with the same e-mail.
        const second = [{ ...first[1]!, record: { ...first[1]!.record, ingest_run_id: 'run-2' } }, user('run-2', shared)];
        expect(await stageUsers(pool, second)).toEqual({ staged: 1, duplicates: 1 });

        const all = await outboxRowsInOrder(pool);
        // In sequence order: run-1's four (in the order the batch statement inserted them), then run-2's new one.
        expect(new Set(all.slice(0, 4).map((r) => r.aggregateid))).toEqual(new Set(first.map((u) => u.record.id)));
        expect(all.map((r) => r.aggregateid)[4]).toBe(second[1]!.record.id);
        expect(all.map((r) => Number(r.seq))).toEqual(all.map((r) => Number(r.seq)).sort((a, b) => a - b));
        expect(all.every((r) => r.createdMs > Date.now() - 600_000)).toBe(true);
        expect(await outboxLastSeq(pool)).toBe(Number(all.at(-1)!.seq));
        expect(await outboxRowCount(pool)).toBe(5);
        // Migrated, no relay ever ran in wal mode: the table exists, with no slot in it.
        expect(await readOutboxSlots(pool)).toEqual([]);
        expect(await readStagingCounts(pool)).toMatchObject({ staged: 5, refetched: 1, outbox: 5, unpublished: 5, outboxDeadLetters: 0 });
        expect((await readStagingCounts(pool)).oldestUnpublishedSeconds).toBeGreaterThanOrEqual(0);

        // The relay publishes run-1's rows but sets one aside.
        const setAsideId = first[3]!.record.id;
        await claimOutboxBatch(pool, 4, async (rows) => rows.filter((r) => r.aggregateid === setAsideId).map((r) => ({ seq: r.seq, reason: 'too large' })));
        expect(await readStagingCounts(pool)).toMatchObject({ unpublished: 1, outboxDeadLetters: 1 });
        expect(await outboxLag(pool)).toMatchObject({ unpublished: 1, deadLetters: 1, lastDeadLetter: { reason: 'too large' } });
        expect(await publishedCount(pool, 'run-1')).toBe(3);
        expect(await publishedCount(pool, 'run-2')).toBe(0);
        expect(await stagedCount(pool, 'run-1')).toBe(4);
        expect(await fetchedIds(pool, 'run-2')).toEqual({ staged: [second[1]!.record.id], refetched: [first[1]!.record.id] });

        // By e-mail, whatever its case and spaces: both users, newest first.
        expect(await stagedIdsByEmail(pool, `  ${shared.toUpperCase()} `, 10)).toEqual([second[1]!.record.id, first[0]!.record.id]);
        expect(await stagedIdsByEmail(pool, shared, 1)).toEqual([second[1]!.record.id]);

        const published = await traceStagedUser(pool, first[1]!.record.id);
        expect(published.staged).toMatchObject({ email: first[1]!.record.email, ingestRunId: 'run-1', source: 'generator' });
        expect(published.refetchedBy).toEqual(['run-2']);
        expect(published.outbox!.publishedAt!.getTime()).toBeGreaterThanOrEqual(published.outbox!.createdAt.getTime());
        expect(published.deadLetter).toBeNull();
        const setAside = await traceStagedUser(pool, setAsideId);
        expect(setAside.deadLetter).toMatchObject({ reason: 'too large' });
        const waiting = await traceStagedUser(pool, second[1]!.record.id);
        expect(waiting.outbox).toMatchObject({ publishedAt: null });
      } finally {
        await pool.end();
      }
    });
  });
});
