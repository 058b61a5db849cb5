import { describe, expect, it } from 'vitest';
import { createDlqStore, describeBytes, entryBytes, type DeadLetter } from './dlq-store.js';

let offset = 0;
const letter = (over: Partial<DeadLetter>): DeadLetter => ({
  partition: 0,
  offset: String(offset++),
  timestamp: 0,
  key: null,
  stage: 'spark',
  reason: 'r',
  source: { topic: 'users_created', partition: 0, offset: '1' },
  payload: { kind: 'empty' },
  ...over,
});

describe('createDlqStore', () => {
  it('counts every dead letter by stage, keeps the newest', () => {
    const store = createDlqStore(2);
    store.add(letter({ stage: 'spark', reason: 'one' }));
    store.add(letter({ stage: 'spark', reason: 'two' }));
    store.add(letter({ stage: 'cassandra-writer', reason: 'three' }));
    expect(store.counts()).toEqual({ total: 3, byStage: { spark: 2, 'cassandra-writer': 1 } });
    expect(store.latest(10).map((d) => d.reason)).toEqual(['three', 'two']);
    expect(store.latest(1).map((d) => d.reason)).toEqual(['three']);
  });

  it('finds by key, by the record id, or by e-mail in any case', () => {
    const store = createDlqStore(10);
    const id = '2c7b5e64-1f3a-4c1e-9d55-0b6a8f9e1d23';
    store.add(letter({ key: id }));
    store.add(letter({ key: 'other', payload: { kind: 'record', record: { id: 'abc', email: 'Jane@Example.com' } } }));
    expect(store.find(id.toUpperCase())).toHaveLength(1);
    expect(store.find('abc')).toHaveLength(1);
    expect(store.find(' jane@example.com ')).toHaveLength(1);
    expect(store.find('nobody')).toEqual([]);
    expect(store.find('')).toEqual([]);
  });
});

describe('describeBytes', () => {
  it('shows text as text and binary as hex, with the full length', () => {
    expect(describeBytes(Buffer.from('not avro'))).toEqual({ kind: 'text', text: 'not avro', bytes: 8 });
    expect(describeBytes(Buffer.from([0, 0, 0, 0, 1, 0xff]))).toEqual({ kind: 'hex', text: '0000000001ff', bytes: 6 });
    expect(describeBytes(null)).toEqual({ kind: 'empty' });
  });
});

describe('createDlqStore byte bound', () => {
  const big = (i: number) => letter({ reason: `r${i}`, payload: { kind: 'record', record: { id: `id-${i}`, blob: 'x'.repeat(100_000) } } });

  it('keeps no more than its bytes however many arrive, the newest first, and counts all', () => {
    const store = createDlqStore(1_000_000, 1_000_000);
    for (let i = 0; i < 500; i++) store.add(big(i)); // 50 MB offered
    expect(store.counts().total).toBe(500);
    expect(store.keptBytes()).toBeLessThanOrEqual(1_000_000);
    const kept = store.latest(1000);
    expect(kept.length).toBe(9); // 9 entries of ~100,2xx bytes fit in 1 MB
    expect(kept[0]!.reason).toBe('r499');
    expect(store.keptBytes()).toBe(kept.reduce((sum, d) => sum + entryBytes(d), 0));
  });

  it('counts but does not keep an entry larger than the whole bound', () => {
    const store = createDlqStore(10, 50_000);
    store.add(letter({ reason: 'small' }));
    store.add(big(1));
    expect(store.counts().total).toBe(2);
    expect(store.latest(10).map((d) => d.reason)).toEqual(['small']);
  });
});
