import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ensureTopics, PIPELINE_TOPIC_CONFIG, TOPIC_PARTITIONS } from './kafka.js';

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
  it('creates only the missing topics, with the one partition count and the broker clock as timestamp', async () => {
    const { admin, created } = fakeAdmin(['users_created']);
    expect(await ensureTopics(admin, [{ topic: 'users_created' }, { topic: 'users_processed' }, { topic: 'users_dlq', numPartitions: 1 }])).toEqual(['users_processed', 'users_dlq']);
    expect(created).toEqual([
      { topic: 'users_processed', numPartitions: TOPIC_PARTITIONS, replicationFactor: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
      { topic: 'users_dlq', numPartitions: 1, replicationFactor: 1, configEntries: [...PIPELINE_TOPIC_CONFIG] },
    ]);
  });

  it('asks nothing when every topic exists', async () => {
    const { admin, created } = fakeAdmin(['a']);
    expect(await ensureTopics(admin, [{ topic: 'a' }])).toEqual([]);
    expect(created).toEqual([]);
  });
});
