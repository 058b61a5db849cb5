import { describe, expect, it } from 'vitest';
import { partitionOf } from './partition-of.js';

describe('partitionOf', () => {
  it("matches the Java client's murmur2 partitioning", () => {
    // Kafka's own DefaultPartitioner test vectors: Utils.toPositive(Utils.murmur2(key)) % n.
    // murmur2("21") = -973932308, murmur2("foobar") = -790332482 (Kafka's UtilsTest).
    expect(partitionOf('21', 3)).toBe((-973932308 & 0x7fffffff) % 3);
    expect(partitionOf('foobar', 7)).toBe((-790332482 & 0x7fffffff) % 7);
  });

  it('is the same for the same key, and within the partitions', () => {
    const id = '2c7b5e64-1f3a-4c1e-9d55-0b6a8f9e1d23';
    expect(partitionOf(id, 3)).toBe(partitionOf(id, 3));
    for (let n = 1; n <= 12; n++) expect(partitionOf(id, n)).toBeLessThan(n);
    expect(() => partitionOf(id, 0)).toThrow(RangeError);
  });
});
