import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_LAYOUT } from '@streamline/config';
import { ensureTopics, PIPELINE_TOPIC_CONFIG } from './topics.js';

/** An admin that knows `existing` topics and records what it is asked to create. */
function fakeAdmin(existing: string[]) {
  const created: unknown[] = [];
  const admin = {
    listTopics: async () => existing,
    createTopics: async ({ topics }: { topics: unknown[] }) => void created.push(...topics),
  } as unknown as Admin;
  return { admin, created };
}

describe('ensureTopics', () => {
  it('creates only the missing topics, one node by default, with the broker clock as timestamp', async () => {
    const { admin, created } = fakeAdmin(['users_created']);
    expect(await ensureTopics(admin, [{ topic: 'users_created' }, { topic: 'users_processed' }, { topic: 'users_dlq', numPartitions: 1 }])).toEqual(['users_processed', 'users_dlq']);
    const configEntries = [
      { name: 'message.timestamp.type', value: 'LogAppendTime' },
      { name: 'min.insync.replicas', value: '1' },
    ];
    expect(created).toEqual([
      { topic: 'users_processed', numPartitions: DEFAULT_TOPIC_LAYOUT.partitions, replicationFactor: 1, configEntries },
      { topic: 'users_dlq', numPartitions: 1, replicationFactor: 1, configEntries },
    ]);
  });

  it('lays the topics out as the layout says (a cluster: 6 partitions, 3 replicas, 2 in sync)', async () => {
    const { admin, created } = fakeAdmin([]);
    await ensureTopics(admin, [{ topic: 'users_created' }], { partitions: 6, replicationFactor: 3, minInsyncReplicas: 2 });
    expect(created).toEqual([
      { topic: 'users_created', numPartitions: 6, replicationFactor: 3, configEntries: [...PIPELINE_TOPIC_CONFIG, { name: 'min.insync.replicas', value: '2' }] },
    ]);
  });

  it('asks nothing when every topic exists', async () => {
    const { admin, created } = fakeAdmin(['a']);
    expect(await ensureTopics(admin, [{ topic: 'a' }])).toEqual([]);
    expect(created).toEqual([]);
  });
});
