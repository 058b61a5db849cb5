import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConnectionConfig } from './connections.js';
import { loadStackLayout } from './stack-layout.js';

describe('loadConnectionConfig', () => {
  it('defaults to the local stack', () => {
    const config = loadConnectionConfig({});
    expect(config.pg).toMatchObject({ host: '127.0.0.1', port: 5433, database: 'streamline' });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.registry.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(config.cassandra).toMatchObject({ contactPoints: ['127.0.0.1'], port: 9042, localDataCenter: 'datacenter1' });
    expect(config.spark.masterUrl).toBe('spark://127.0.0.1:7077');
    expect(config.kafka.retry).toEqual({ retries: 5, initialRetryTimeMs: 300, maxRetryTimeMs: 30_000 });
    expect(config.cassandra.reconnect).toEqual({ baseDelayMs: 1_000, maxDelayMs: 60_000 });
    expect(loadConnectionConfig({ KAFKA_RETRIES: '12' }).kafka.retry.retries).toBe(12);
    expect(() => loadConnectionConfig({ KAFKA_RETRY_MAX_MS: '0' })).toThrow(/^invalid KAFKA_RETRY_MAX_MS="0"/);
  });

  it('derives addresses from port variables and takes explicit lists', () => {
    const config = loadConnectionConfig({ KAFKA_PORT: '19092', KAFKA_BROKERS: '', CASSANDRA_CONTACT_POINTS: 'a, b' });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.cassandra.contactPoints).toEqual(['a', 'b']);
  });

  it('names the variable and its value in one line when a value is bad', () => {
    expect(() => loadConnectionConfig({ PG_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConnectionConfig({ PG_PORT: 'abc' })).toThrow(/^invalid PG_PORT="abc": /);
    expect(() => loadConnectionConfig({ CASSANDRA_PORT: '70000' })).toThrow(/invalid CASSANDRA_PORT="70000"/);
    expect(() => loadConnectionConfig({ SCHEMA_REGISTRY_URL: 'not a url' })).toThrow(/invalid SCHEMA_REGISTRY_URL/);
  });
});

describe('loadStackLayout', () => {
  it('puts everything under one folder, relative to the repository unless absolute', () => {
    const layout = loadStackLayout({}, '/repo');
    expect(layout.root).toBe('/repo/.stack');
    expect(layout.cacheDir).toBe('/repo/.stack/cache');
    expect(layout.venv).toBe('/repo/.stack/venv');
    expect(layout.dist('kafka')).toBe('/repo/.stack/dist/kafka');
    expect(loadStackLayout({ STREAMLINE_STACK_DIR: '/s', STREAMLINE_CACHE_DIR: 'c' }, '/repo')).toMatchObject({ root: '/s', cacheDir: '/repo/c' });
  });
});
