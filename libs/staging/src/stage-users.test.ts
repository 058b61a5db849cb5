import { describe, expect, it } from 'vitest';
import type { PgPool } from '@streamline/clients/pg';
import type { UserToStage } from '@streamline/user-schema';
import { OUTBOX_CHANNEL, USER_EVENT, stageUsers } from './stage-users.js';
import { stagingParameter } from './staging-parameters.js';

/** A stand-in pool recording statements; the staging SQL itself runs on the real PostgreSQL in the ingestor's integration tests. */
function fakePool(insertedRows: number, failOn?: RegExp) {
  const statements: Array<{ sql: string; params?: unknown[] }> = [];
  let connects = 0;
  let released = 0;
  const client = {
    async query(sql: string, params?: unknown[]) {
      statements.push({ sql: sql.trim(), ...(params ? { params } : {}) });
      if (failOn?.test(sql.trim())) throw new Error('deadlock detected');
      return { rows: [], rowCount: /^WITH input/.test(sql.trim()) ? insertedRows : 0 };
    },
    release: () => released++,
  };
  const pool = { connect: async () => (connects++, client) } as unknown as PgPool;
  return { pool, statements, connects: () => connects, released: () => released, kinds: () => statements.map((s) => s.sql.split(/\s/)[0]) };
}

const user = (id: string, runId = 'run-1') => ({
  raw: { login: { uuid: id }, name: { first: 'Ada' } },
  record: { id, first_name: 'Ada', last_name: 'Lovelace', email: `${id}@example.com`, source: 'generator', ingest_run_id: runId } as unknown as UserToStage,
});

describe('stageUsers', () => {
  it('stages a batch in one transaction with one NOTIFY, and counts the users already staged as duplicates', async () => {
    const db = fakePool(2);
    expect(await stageUsers(db.pool, [user('a'), user('b'), user('c')])).toEqual({ staged: 2, duplicates: 1 });
    expect(db.kinds()).toEqual(['BEGIN', 'WITH', 'NOTIFY', 'COMMIT']);
    expect(db.statements[1]!.params).toEqual([stagingParameter([user('a'), user('b'), user('c')]), USER_EVENT.aggregatetype, USER_EVENT.type]);
    expect(db.statements[2]!.sql).toBe(`NOTIFY ${OUTBOX_CHANNEL}`);
    expect(db.released()).toBe(1);
  });

  it('asks nothing of the database for an empty batch', async () => {
    const db = fakePool(0);
    expect(await stageUsers(db.pool, [])).toEqual({ staged: 0, duplicates: 0 });
    expect(db.connects()).toBe(0);
  });

  it('rolls back and releases the client when a statement fails, so no user is half staged', async () => {
    const db = fakePool(1, /^NOTIFY/);
    await expect(stageUsers(db.pool, [user('a')])).rejects.toThrow('deadlock detected');
    expect(db.kinds()).toEqual(['BEGIN', 'WITH', 'NOTIFY', 'ROLLBACK']);
    expect(db.released()).toBe(1);
  });
});
