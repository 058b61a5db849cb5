import { describe, expect, it } from 'vitest';
import { ConfigError, type Env } from '@streamline/config';
import { type BadValues, CONNECTION_FREE_FORM, appBasicsBadValues, badValueCases, configErrorOf, settingsRead, uncoveredSettings } from '@streamline/config/testing';
import { type IngestorFlags, loadIngestorConfig } from './config.js';

describe('loadIngestorConfig', () => {
  it('has defaults for every setting', () => {
    const config = loadIngestorConfig({});
    expect(config).toMatchObject({
      count: 1000,
      batchSize: 1000,
      concurrency: 4,
      maxInFlightBatches: 2,
      resultsPerPage: undefined,
      source: 'auto',
      seed: undefined,
      nat: undefined,
      apiUrl: 'https://randomuser.me/api/',
      runId: undefined,
      retries: 5,
      rate: 100,
      followTickMs: 100,
      logLevel: 'info',
      generator: { host: '127.0.0.1', port: 8089, faults: undefined },
    });
    expect(config.connections.pg.port).toBe(5433);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads env, and flags win over env', () => {
    const env = { INGESTOR_COUNT: '200', INGESTOR_SOURCE: 'api', INGESTOR_SEED: 'envseed', INGESTOR_NAT: 'US,gb' };
    expect(loadIngestorConfig(env)).toMatchObject({ count: 200, source: 'api', seed: 'envseed', nat: 'us,gb' });
    const config = loadIngestorConfig(env, { count: '50', source: 'generator', batchSize: 10, apiUrl: 'http://127.0.0.1:1/api/' });
    expect(config).toMatchObject({ count: 50, source: 'generator', batchSize: 10, seed: 'envseed', apiUrl: 'http://127.0.0.1:1/api/' });
  });

  it('names the variable or the flag, and the value, when a value is bad', () => {
    expect(() => loadIngestorConfig({ INGESTOR_COUNT: 'many' })).toThrow(ConfigError);
    expect(() => loadIngestorConfig({ INGESTOR_COUNT: 'many' })).toThrow(/^invalid INGESTOR_COUNT="many": /);
    expect(() => loadIngestorConfig({}, { count: '0' })).toThrow(/^invalid --count="0": /);
    expect(() => loadIngestorConfig({}, { source: 'ftp' })).toThrow(/^invalid --source="ftp": /);
    expect(() => loadIngestorConfig({}, { pageSize: '6000' })).toThrow(/^invalid --page-size="6000": /);
    expect(() => loadIngestorConfig({}, { nat: 'usa' })).toThrow(/^invalid --nat="usa": /);
    expect(() => loadIngestorConfig({}, { seed: 'a b' })).toThrow(/^invalid --seed="a b": /);
    expect(() => loadIngestorConfig({ RANDOMUSER_API_URL: 'nope' })).toThrow(/^invalid RANDOMUSER_API_URL="nope": /);
  });
});

describe('loadIngestorConfig: every setting refuses a bad value, naming it', () => {
  const load = (env: Env, flags: IngestorFlags = {}) => loadIngestorConfig(env, flags);
  const variables: BadValues = {
    ...appBasicsBadValues('ingestor', 'INGESTOR'),
    INGESTOR_COUNT: ['0', 'many', '1e3', '-5', '12.5'],
    INGESTOR_BATCH_SIZE: ['0', '50001'],
    INGESTOR_CONCURRENCY: ['0', '65'],
    INGESTOR_MAX_IN_FLIGHT_BATCHES: ['0', '33'],
    INGESTOR_PAGE_SIZE: ['0', '5001', 'all'],
    INGESTOR_SOURCE: ['ftp', 'API'],
    INGESTOR_SEED: ['a b', 's'.repeat(65)],
    INGESTOR_NAT: ['usa', 'us;gb'],
    RANDOMUSER_API_URL: ['nope', 'randomuser.me/api', 'file:///etc/passwd'],
    INGESTOR_RUN_ID: ['run 1'],
    INGESTOR_REQUEST_TIMEOUT_MS: ['0', '30s', '3000000000'],
    INGESTOR_MAX_BODY_BYTES: ['0', '16MB'],
    INGESTOR_PROBE_TIMEOUT_MS: ['0'],
    INGESTOR_RETRIES: ['-1', 'many'],
    INGESTOR_MAX_RETRY_AFTER_MS: ['0'],
    INGESTOR_OUTAGE_TIMEOUT_MS: ['0', '2m'],
    INGESTOR_FOLLOW: ['yes', 'on'],
    INGESTOR_RATE: ['0', 'fast', '-5'],
    INGESTOR_FOLLOW_TICK_MS: ['0', '5', '1s'],
    GENERATOR_HOST: ['0.0.0.0:8089'],
    GENERATOR_PORT: ['70000', 'http'],
    GENERATOR_FAULTS: ['500=0.1', '503=2', 'bad'],
  };
  const flags: BadValues = {
    '--count': ['0'],
    '--rate': ['0'],
    '--batch-size': ['x'],
    '--concurrency': ['100'],
    '--max-in-flight': ['0'],
    '--page-size': ['6000'],
    '--source': ['ftp'],
    '--seed': ['a b'],
    '--nat': ['usa'],
    '--api-url': ['localhost:8089/api/'],
    '--run-id': ['a/b'],
    '--faults': ['503=1.5'],
    '--host': ['my host'],
    '--port': ['-1'],
  };
  const read = settingsRead(load);
  const camel = (flag: string) => flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

  it('has a case for every variable and flag it reads (a new setting needs one here)', () => {
    expect(uncoveredSettings(read.variables, variables, CONNECTION_FREE_FORM)).toEqual({ untested: [], unread: [] });
    expect(uncoveredSettings(read.flags, flags)).toEqual({ untested: [], unread: [] });
  });

  it.each(badValueCases(variables))('refuses $name=$value', ({ name, value, env }) => {
    const error = configErrorOf(() => load({ ...env, [name]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
  });

  it.each(badValueCases(flags))('refuses $name $value', ({ name, value }) => {
    const error = configErrorOf(() => load({}, { [camel(name)]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
  });

  it('says what is wrong with a fault spec, naming the variable', () => {
    expect(() => load({ GENERATOR_FAULTS: '500=0.1' })).toThrow(/^invalid GENERATOR_FAULTS="500=0.1": cannot read "500=0.1" \(expected e\.g\. /);
  });
});
