import { describe, expect, it } from 'vitest';
import { sumSamples } from '@streamline/runtime';
import type { AppProbe } from './app-probe.js';
import { mergeInstances } from './app-instances.js';
import { bucketsOf } from './histogram-quantile.js';

const probe = (app: string, url: string, written: number, startedAt: number | null): AppProbe => ({
  app,
  url,
  state: 'ready',
  health: null,
  error: null,
  reason: null,
  samples: [
    { name: 'streamline_records_out_total', labels: { stage: 'write', outcome: 'stored' }, value: written },
    { name: 'lat_bucket', labels: { le: '0.1' }, value: written / 2 },
    { name: 'lat_bucket', labels: { le: '+Inf' }, value: written },
  ],
  process: startedAt === null ? null : { cpuSeconds: 1, residentBytes: 1, startedAt },
});

describe('mergeInstances', () => {
  it("adds up the instances' counters and histogram buckets per app, and keeps the earliest start", () => {
    const merged = mergeInstances([probe('cassandra-writer', 'http://w1', 100, 20), probe('relay', 'http://r', 7, 5), probe('cassandra-writer', 'http://w2', 50, 10)]);
    const writer = merged.get('cassandra-writer')!;
    expect(sumSamples(writer.samples, 'streamline_records_out_total', { stage: 'write', outcome: 'stored' })).toBe(150);
    expect(bucketsOf(writer.samples, 'lat')).toEqual([
      { le: 0.1, count: 75 },
      { le: Infinity, count: 150 },
    ]);
    expect(writer.process?.startedAt).toBe(10);
    expect(sumSamples(merged.get('relay')!.samples, 'streamline_records_out_total', { stage: 'write', outcome: 'stored' })).toBe(7);
  });

  it('an instance that is down adds nothing and takes nothing away', () => {
    const merged = mergeInstances([probe('relay', 'http://r1', 0, null), probe('relay', 'http://r2', 9, 3)]);
    expect(merged.get('relay')!.process?.startedAt).toBe(3);
  });
});
