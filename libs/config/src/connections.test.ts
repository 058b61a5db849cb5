import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConnectionConfig } from './connections.js';
import { readStackCredentials } from './stack-credentials.js';
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
    expect(config.cassandra.consistency).toBe('localQuorum');
    expect(loadConnectionConfig({ CASSANDRA_CONSISTENCY: 'quorum' }).cassandra.consistency).toBe('quorum');
    expect(() => loadConnectionConfig({ CASSANDRA_CONSISTENCY: 'QUORUM!' })).toThrow(/CASSANDRA_CONSISTENCY/);
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

describe('credentials', () => {
  const stackDir = () => mkdtempSync(join(tmpdir(), 'creds-'));
  const secrets = { pg: { password: 'p'.repeat(32) }, cassandra: { username: 'streamline', password: 'c'.repeat(32) }, kafka: { username: 'streamline', password: 'k'.repeat(32) }, airflow: { jwtSecret: 'j'.repeat(32), secretKey: 's'.repeat(32) }, registry: { username: 'streamline', password: 'r'.repeat(32) } };

  it("fall back to the local stack's generated ones when no variable sets them; variables win", () => {
    const dir = stackDir();
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify(secrets));
    const config = loadConnectionConfig({ STREAMLINE_STACK_DIR: dir, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    expect(config.pg.password).toBe(secrets.pg.password);
    expect(config.cassandra.auth).toEqual(secrets.cassandra);
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', ...secrets.kafka });
    expect(config.registry.auth).toEqual(secrets.registry);
    const set = loadConnectionConfig({ STREAMLINE_STACK_DIR: dir, PG_PASSWORD: 'x', CASSANDRA_USERNAME: 'app', CASSANDRA_PASSWORD: 'y', SCHEMA_REGISTRY_USERNAME: 'sr', SCHEMA_REGISTRY_PASSWORD: 'z' });
    expect([set.pg.password, set.cassandra.auth, set.registry.auth]).toEqual(['x', { username: 'app', password: 'y' }, { username: 'sr', password: 'z' }]);
    expect(set.kafka.sasl).toBeUndefined(); // SASL only when a mechanism is set
  });

  it('without either: no PostgreSQL password, no Cassandra login, and SASL refused without a password', () => {
    const config = loadConnectionConfig({ STREAMLINE_STACK_DIR: stackDir() });
    expect(config.pg.password).toBe('');
    expect(config.cassandra.auth).toBeUndefined();
    expect(config.registry.auth).toBeUndefined();
    expect(() => loadConnectionConfig({ STREAMLINE_STACK_DIR: stackDir(), KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toThrow(/^invalid KAFKA_SASL_PASSWORD=\(unset\): expected the SASL password/);
  });

  it('refuses a credentials file that is not the stack’s, in one line naming it', () => {
    const dir = stackDir();
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ pg: { password: 'short' } }));
    expect(() => readStackCredentials({ STREAMLINE_STACK_DIR: dir })).toThrow(new RegExp(`^${join(dir, 'credentials.json')} is not the stack's credentials file`));
  });
});
