import { describe, expect, it } from 'vitest';
import { computeLag, fetchConsumerLag } from './consumer-lag.js';

const ends = [
  { partition: 1, high: '50', low: '0' },
  { partition: 0, high: '100', low: '10' },
  { partition: 2, high: '7', low: '0' },
];

describe('consumer lag', () => {
  it('is end - committed per partition, from the log start when nothing is committed', () => {
    const report = computeLag([{ partition: 0, offset: '90' }, { partition: 1, offset: '50' }, { partition: 2, offset: '-1' }], ends);
    expect(report).toEqual({
      total: 17,
      partitions: [
        { partition: 0, committed: '90', end: '100', lag: 10 },
        { partition: 1, committed: '50', end: '50', lag: 0 },
        { partition: 2, committed: '-1', end: '7', lag: 7 },
      ],
    });
    expect(computeLag([], ends, false).total).toBe(0);
    expect(computeLag([], ends, true).total).toBe(90 + 50 + 7);
  });

  it('asks the admin for the group’s offsets and the topic’s ends', async () => {
    const admin = {
      fetchOffsets: async () => [{ topic: 't', partitions: [{ partition: 0, offset: '95', metadata: null }] }],
      fetchTopicOffsets: async () => ends.map((e) => ({ ...e, offset: e.high })),
    };
    expect((await fetchConsumerLag(admin, 'g', 't')).total).toBe(5 + 50 + 7);
  });
});
