import { describe, expect, it } from 'vitest';
import { instanceName, partitionsSummary } from './cluster-summary.js';

const broker = { address: 'kafka-1:29092', id: 1, up: true, controller: true };

describe('partitionsSummary', () => {
  it('every partition in sync: one plain line', () => {
    expect(partitionsSummary({ brokers: [broker], degraded: [], partitions: 18 })).toEqual({ text: '18 of 18 partitions in sync', warn: false });
  });

  it('names the under-replicated partitions with their in-sync count, and the offline ones', () => {
    const degraded = [
      { topic: 'users_created', partition: 1, replicas: 3, inSync: 2, offline: false },
      { topic: 'users_dlq', partition: 0, replicas: 3, inSync: 0, offline: true },
    ];
    expect(partitionsSummary({ brokers: [broker], degraded, partitions: 18 })).toEqual({
      text: '16 of 18 partitions in sync; under-replicated: users_created/1 (2 of 3); offline: users_dlq/0',
      warn: true,
    });
  });

  it('a cluster not read says so', () => {
    expect(partitionsSummary(null).warn).toBe(true);
  });
});

describe('instanceName', () => {
  it('adds the host only where an app runs as several instances', () => {
    expect(instanceName('relay', 'http://relay-2:9402', 2)).toBe('relay (relay-2:9402)');
    expect(instanceName('relay', 'http://127.0.0.1:9402', 1)).toBe('relay');
  });
});
