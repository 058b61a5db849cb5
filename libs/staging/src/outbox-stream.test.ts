import { describe, expect, it } from 'vitest';
import type { Pgoutput } from 'pg-logical-replication';
import { bigIntToLsn, lsnToBigInt, OUTBOX_MARKER_PREFIX, OutboxChangeBuffer } from './outbox-stream.js';

const relation = (name: string) => ({ tag: 'relation', name }) as unknown as Pgoutput.MessageRelation;
const begin = (): Pgoutput.Message => ({ tag: 'begin', commitLsn: null, commitTime: 0n, xid: 1 });
const commit = (end: string): Pgoutput.Message => ({ tag: 'commit', flags: 0, commitLsn: null, commitEndLsn: end, commitTime: 0n });
const insert = (seq: number, table = 'outbox'): Pgoutput.Message => ({
  tag: 'insert',
  relation: relation(table),
  new: { seq: String(seq), id: `e${seq}`, aggregatetype: 'user', aggregateid: `u${seq}`, type: 'UserCreated', payload: { id: `u${seq}` }, created_at: new Date(0), published_at: null },
});
const marker = (content: string, prefix = OUTBOX_MARKER_PREFIX): Pgoutput.Message => ({ tag: 'message', flags: 0, transactional: false, messageLsn: null, prefix, content: Buffer.from(content) });

describe('LSN arithmetic', () => {
  it('reads and writes X/Y positions, across the 32-bit halves', () => {
    expect(lsnToBigInt('0/16B3748')).toBe(0x16b3748n);
    expect(lsnToBigInt('1/0')).toBe(1n << 32n);
    expect(bigIntToLsn(lsnToBigInt('1/0') - 1n)).toBe('0/FFFFFFFF');
    expect(bigIntToLsn(lsnToBigInt('00000002/0000ABCD'))).toBe('2/ABCD');
    expect(() => lsnToBigInt('16B3748')).toThrow('not an LSN: "16B3748"');
  });
});

describe('OutboxChangeBuffer', () => {
  it('hands rows in commit order with the end of the last whole transaction, and the markers after them', () => {
    const buffer = new OutboxChangeBuffer();
    for (const m of [begin(), insert(1), insert(2), commit('0/100'), begin(), insert(3), commit('0/200'), marker('m1')]) buffer.add(m);
    expect(buffer.rowCount).toBe(3);
    const batch = buffer.take(10);
    expect(batch.rows.map((r) => r.seq)).toEqual(['1', '2', '3']);
    expect(batch.rows[0]).toEqual({ seq: '1', id: 'e1', aggregatetype: 'user', aggregateid: 'u1', type: 'UserCreated', payload: { id: 'u1' }, created_at: new Date(0) });
    expect(batch).toMatchObject({ confirmLsn: '0/200', markers: ['m1'] });
    expect(buffer.empty).toBe(true);
    expect(buffer.rowCount).toBe(0);
  });

  it('cuts at maxRows: a batch ending inside a transaction confirms only the transactions it completes', () => {
    const buffer = new OutboxChangeBuffer();
    for (const m of [begin(), insert(1), commit('0/100'), begin(), insert(2), insert(3), insert(4)]) buffer.add(m);
    expect(buffer.inTransaction).toBe(true);
    const first = buffer.take(2);
    expect(first.rows.map((r) => r.seq)).toEqual(['1', '2']);
    expect(first.confirmLsn).toBe('0/100');
    const second = buffer.take(2);
    expect(second.rows.map((r) => r.seq)).toEqual(['3', '4']);
    expect(second.confirmLsn).toBeNull();
    buffer.add(commit('0/300'));
    expect(buffer.inTransaction).toBe(false);
    expect(buffer.take(2)).toEqual({ rows: [], confirmLsn: '0/300', markers: [] });
  });

  it('ignores other tables, other prefixes and other message kinds, but confirms a transaction without outbox rows', () => {
    const buffer = new OutboxChangeBuffer();
    for (const m of [begin(), insert(1, 'users_raw'), { tag: 'relation' } as Pgoutput.Message, marker('x', 'someone_else'), commit('0/500')]) buffer.add(m);
    expect(buffer.take(10)).toEqual({ rows: [], confirmLsn: '0/500', markers: [] });
  });
});
