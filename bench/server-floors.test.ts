import { describe, expect, it } from 'vitest';
import { leastOf, type Floor, type FloorWork } from './server-floors.js';

const floor = (work: FloorWork, serverUs: number, clientUs: number): Floor => ({ work, server: 's', what: 'w', client: 'c', rate: 1, serverUs, clientUs });

describe('leastOf', () => {
  it('keeps, per work, the pass whose server and client cost least together', () => {
    const passes = [
      [floor('pg-insert', 30, 6), floor('cassandra-write', 135, 46)],
      [floor('pg-insert', 33, 5), floor('cassandra-write', 49, 28)],
    ];
    expect(leastOf(passes)).toEqual([floor('pg-insert', 30, 6), floor('cassandra-write', 49, 28)]);
  });
});
