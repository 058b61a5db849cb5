import { describe, expect, it } from 'vitest';
import type { PgPool } from '@streamline/clients/pg';
import { claimOutboxBatch, type OutboxRow } from './outbox.js';

/**
 * A stand-in pool that records each statement and answers the claim's SELECT with `rows`: enough
 * to check the transaction's discipline (the SQL itself runs against the real PostgreSQL in the
 * relay's integration tests).
 */
function fakePool(rows: OutboxRow[], failOn?: RegExp) {
  const statements: Array<{ sql: string; params?: unknown[] }> = [];
  let released = 0;
  const client = {
    async query(sql: string, params?: unknown[]) {
      statements.push({ sql: sql.replace(/\s+/g, ' ').trim(), ...(params ? { params } : {}) });
      if (failOn?.test(sql)) throw new Error('connection terminated');
      return /^\s*SELECT seq/.test(sql) ? { rows, rowCount: rows.length } : { rows: [], rowCount: 0 };
    },
    release: () => released++,
  };
  const pool = { connect: async () => client } as unknown as PgPool;
  return { pool, statements, released: () => released, kinds: () => statements.map((s) => s.sql.split(' ')[0]) };
}

const row = (seq: string): OutboxRow => ({ seq, id: `e${seq}`, aggregatetype: 'user', aggregateid: `u${seq}`, type: 'UserCreated', payload: { seq } });

describe('claimOutboxBatch', () => {
  it('marks published only the rows the broker took, moves the others to the dead letters with their reasons, in one transaction', async () => {
    const db = fakePool([row('1'), row('2'), row('3')]);
    const result = await claimOutboxBatch(db.pool, 10, async (claimed) => {
      expect(claimed.map((r) => r.seq)).toEqual(['1', '2', '3']);
      return [{ seq: '2', reason: 'message of 3.1 MB over the broker limit of 1 MB' }];
    });
    expect(result).toEqual({ claimed: 3, published: 2, setAside: [{ seq: '2', reason: 'message of 3.1 MB over the broker limit of 1 MB' }] });
    expect(db.kinds()).toEqual(['BEGIN', 'SELECT', 'WITH', 'UPDATE', 'COMMIT']);
    expect(db.statements[1]!.params).toEqual([10]);
    expect(db.statements[2]!.params).toEqual([['2'], ['message of 3.1 MB over the broker limit of 1 MB']]);
    expect(db.statements[3]!.params).toEqual([['1', '3']]);
    expect(db.released()).toBe(1);
  });

  it('skips the dead-letter statement when every row was sent', async () => {
    const db = fakePool([row('7')]);
    expect(await claimOutboxBatch(db.pool, 5, async () => [])).toEqual({ claimed: 1, published: 1, setAside: [] });
    expect(db.kinds()).toEqual(['BEGIN', 'SELECT', 'UPDATE', 'COMMIT']);
  });

  it('does not call publish when nothing is waiting', async () => {
    const db = fakePool([]);
    let calls = 0;
    expect(await claimOutboxBatch(db.pool, 5, async () => (calls++, []))).toEqual({ claimed: 0, published: 0, setAside: [] });
    expect(calls).toBe(0);
    expect(db.kinds()).toEqual(['BEGIN', 'SELECT', 'COMMIT']);
  });

  it('rolls back (the rows stay unpublished, claimed again later) and releases the client when the broker fails', async () => {
    const db = fakePool([row('1'), row('2')]);
    await expect(
      claimOutboxBatch(db.pool, 10, async () => {
        throw new Error('broker unavailable');
      }),
    ).rejects.toThrow('broker unavailable');
    expect(db.kinds()).toEqual(['BEGIN', 'SELECT', 'ROLLBACK']);
    expect(db.released()).toBe(1);
  });

  it('rolls back when marking the rows published fails after the broker acknowledged (at least once: they are sent again)', async () => {
    const db = fakePool([row('1')], /^UPDATE/);
    await expect(claimOutboxBatch(db.pool, 10, async () => [])).rejects.toThrow('connection terminated');
    expect(db.kinds()).toEqual(['BEGIN', 'SELECT', 'UPDATE', 'ROLLBACK']);
    expect(db.released()).toBe(1);
  });
});
