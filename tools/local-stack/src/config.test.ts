import { describe, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';

describe('loadStackConfig', () => {
  it('puts everything under one folder and checks heap sizes and modes', () => {
    const config = loadStackConfig({}, '/repo');
    expect(config.dir).toBe('/repo/.stack');
    expect(config.cacheDir).toBe('/repo/.stack/cache');
    expect(config.kafkaMode).toBe('kraft');
    expect(() => loadStackConfig({ KAFKA_HEAP: '512' }, '/repo')).toThrow(/invalid KAFKA_HEAP="512"/);
    expect(() => loadStackConfig({ KAFKA_MODE: 'zk' }, '/repo')).toThrow(/invalid KAFKA_MODE="zk"/);
  });

  it('provisions the usual topics, one node, or those of TOPIC_* and checks them', () => {
    expect(loadStackConfig({}, '/repo').pipeline).toEqual({
      topics: { created: 'users_created', processed: 'users_processed', dlq: 'users_dlq' },
      topicLayout: { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 },
    });
    expect(loadStackConfig({ TOPIC_USERS_CREATED: 'mine', TOPIC_PARTITIONS: '6' }, '/repo').pipeline).toMatchObject({ topics: { created: 'mine' }, topicLayout: { partitions: 6 } });
    expect(() => loadStackConfig({ TOPIC_USERS_DLQ: 'a b' }, '/repo')).toThrow(/^invalid TOPIC_USERS_DLQ="a b": expected a Kafka topic name/);
    expect(() => loadStackConfig({ TOPIC_PARTITIONS: '0' }, '/repo')).toThrow(/^invalid TOPIC_PARTITIONS="0"/);
  });

  it('runs every pipeline app by default, on its usual port; none or a subset by STREAMLINE_STACK_APPS', () => {
    expect(loadStackConfig({}, '/repo').apps).toMatchObject({
      enabled: ['relay', 'spark-launcher', 'cassandra-writer', 'monitor'],
      ports: { relay: 9402, 'spark-launcher': 9403, 'cassandra-writer': 9404, monitor: 9400 },
    });
    expect(loadStackConfig({ STREAMLINE_STACK_APPS: 'none' }, '/repo').apps.enabled).toEqual([]);
    expect(loadStackConfig({ STREAMLINE_STACK_APPS: 'relay, monitor', RELAY_HTTP_PORT: '19402' }, '/repo').apps).toMatchObject({ enabled: ['relay', 'monitor'], ports: { relay: 19402 } });
    expect(() => loadStackConfig({ STREAMLINE_STACK_APPS: 'relay,ingestor' }, '/repo')).toThrow(/^invalid STREAMLINE_STACK_APPS="relay,ingestor": expected all, none or a list of .* \(unknown: ingestor\)/);
  });
});
