import { describe, expect, it } from 'vitest';
import { silentLogger } from '@streamline/runtime';
import { chooseSource, newRunId, newSeed } from './source.js';

const log = silentLogger();

describe('chooseSource', () => {
  it('takes api or generator as asked, without probing', async () => {
    const probe = async () => {
      throw new Error('must not probe');
    };
    expect(await chooseSource('api', 'http://x/api/', 100, log, probe)).toMatchObject({ source: 'api' });
    expect(await chooseSource('generator', 'http://x/api/', 100, log, probe)).toMatchObject({ source: 'generator' });
  });

  it('auto: the API when the probe answers, else the generator, saying why', async () => {
    expect(await chooseSource('auto', 'http://x/api/', 100, log, async () => ({ reachable: true }))).toEqual({
      source: 'api',
      reason: 'http://x/api/ answers',
    });
    const fallback = await chooseSource('auto', 'http://x/api/', 100, log, async () => ({ reachable: false, reason: 'no answer within 100 ms' }));
    expect(fallback).toEqual({ source: 'generator', reason: 'http://x/api/ unreachable (no answer within 100 ms), using the offline generator' });
  });
});

describe('run identity', () => {
  it('makes printable seeds and sortable run ids that fit the config rules', () => {
    expect(newSeed()).toMatch(/^[0-9a-f]{12}$/);
    expect(newSeed()).not.toBe(newSeed());
    expect(newRunId(new Date('2025-06-01T12:00:00.123Z'))).toMatch(/^ingest-20250601T120000Z-[0-9a-f]{6}$/);
  });
});
