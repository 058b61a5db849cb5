import { describe, expect, it } from 'vitest';
import { planWriteRequests } from './write-requests.js';

describe('planWriteRequests', () => {
  const replicaOf = (row: string) => row[0]!;

  it('puts only rows of one replica in a request, at most `size`, keeping their order', () => {
    expect(planWriteRequests(['a1', 'b1', 'a2', 'a3', 'b2', 'a4', 'c1'], 2, replicaOf)).toEqual([
      ['a1', 'a2'],
      ['b1', 'b2'],
      ['a3', 'a4'],
      ['c1'],
    ]);
  });

  it('with one replica (one node), cuts the rows into requests of `size`', () => {
    const rows = Array.from({ length: 19 }, (_, i) => `n${i}`);
    const requests = planWriteRequests(rows, 8, () => 'node');
    expect(requests.map((r) => r.length)).toEqual([8, 8, 3]);
    expect(requests.flat()).toEqual(rows);
  });

  it('size 1 is one row per request; a bad size is refused', () => {
    expect(planWriteRequests(['a1', 'a2'], 1, replicaOf)).toEqual([['a1'], ['a2']]);
    expect(planWriteRequests([], 8, replicaOf)).toEqual([]);
    expect(() => planWriteRequests(['a1'], 0, replicaOf)).toThrow(/positive integer, got 0/);
  });
});
