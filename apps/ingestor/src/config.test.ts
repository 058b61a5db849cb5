import { describe, expect, it } from 'vitest';
import { ConfigError } from '@streamline/config';
import { loadIngestorConfig } from './config.js';

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
