import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_LAYOUT, loadTopicLayout } from './topic-layout.js';

describe('topic layout', () => {
  it('defaults to one node: 3 partitions, one replica', () => {
    expect(loadTopicLayout({})).toEqual(DEFAULT_TOPIC_LAYOUT);
  });

  it('reads the cluster layout from TOPIC_*', () => {
    expect(loadTopicLayout({ TOPIC_PARTITIONS: '6', TOPIC_REPLICATION_FACTOR: '3', TOPIC_MIN_INSYNC_REPLICAS: '2' })).toEqual({ partitions: 6, replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('refuses a layout no write could satisfy, or a bad number, in one line naming the variable', () => {
    expect(() => loadTopicLayout({ TOPIC_REPLICATION_FACTOR: '1', TOPIC_MIN_INSYNC_REPLICAS: '2' })).toThrow(/^invalid TOPIC_MIN_INSYNC_REPLICAS.*expected at most TOPIC_REPLICATION_FACTOR \(1\)/);
    expect(() => loadTopicLayout({ TOPIC_PARTITIONS: '0' })).toThrow(/^invalid TOPIC_PARTITIONS=/);
    expect(() => loadTopicLayout({ TOPIC_PARTITIONS: '3abc' })).toThrow(/^invalid TOPIC_PARTITIONS=/);
  });
});
