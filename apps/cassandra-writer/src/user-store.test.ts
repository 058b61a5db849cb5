import { describe, expect, it } from 'vitest';
import { isRefusal, writeSplitting } from './user-store.js';

/** A Cassandra-like answer: refused (InvalidRequest 0x2200) for a batch over `maxBytes`, or a row over `maxRow`. */
const refusal = (message: string) => Object.assign(new Error(message), { name: 'ResponseError', code: 0x2200 });
function fakeCassandra(maxBytes: number, maxRow = Number.POSITIVE_INFINITY) {
  const stored: string[] = [];
  const sizeOf = (row: unknown[]) => String(row[1]).length;
  return {
    stored,
    write: async (rows: unknown[][]) => {
      const bytes = rows.reduce((sum, r) => sum + sizeOf(r), 0);
      if (rows.length > 1 && bytes > maxBytes) throw refusal(`Batch too large`);
      if (rows.some((r) => sizeOf(r) > maxRow)) throw refusal('Mutation too large');
      stored.push(...rows.map((r) => String(r[0])));
    },
  };
}
const row = (id: string, size: number) => [id, 'x'.repeat(size)];

describe('writeSplitting', () => {
  it('splits a batch Cassandra refuses until each part fits: every row stored', async () => {
    const c = fakeCassandra(50_000);
    const rows = [row('a', 100), row('wide', 45_000), row('b', 100), row('c', 20_000), row('d', 100), row('e', 100)];
    expect(await writeSplitting(c.write, rows, 0)).toEqual([]);
    expect(c.stored.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'wide']);
  });

  it('gives back a row refused even alone, with the reason, and stores the rows beside it', async () => {
    const c = fakeCassandra(50_000, 60_000);
    const refused = await writeSplitting(c.write, [row('a', 10), row('huge', 70_000), row('b', 10)], 0);
    expect(refused).toEqual([{ id: 'huge', reason: 'cassandra refused the row: Mutation too large' }]);
    expect(c.stored.sort()).toEqual(['a', 'b']);
  });

  it('rejects an outage (not a refusal): the round is retried, nothing is set aside', async () => {
    const timeout = Object.assign(new Error('timed out'), { name: 'OperationTimedOutError' });
    await expect(writeSplitting(async () => Promise.reject(timeout), [row('a', 1), row('b', 1)], 0)).rejects.toBe(timeout);
    expect(isRefusal(timeout)).toBe(false);
    expect(isRefusal(Object.assign(new Error('Unavailable'), { name: 'ResponseError', code: 0x1000 }))).toBe(false);
    expect(isRefusal(refusal('Batch too large'))).toBe(true);
    // The table or a column gone is no fault of the records: retried (and reported as a stall), never DLQ'd.
    expect(isRefusal(refusal('Undefined column name first_name'))).toBe(false);
    expect(isRefusal(refusal('unconfigured table created_users'))).toBe(false);
  });
});
