import { describe, expect, it } from 'vitest';
import { InvalidRecordError, mapApiUser } from '@streamline/user-schema';
import { FaultSpecError, NO_FAULTS, corruptRecord, httpFaultFor, isCorruptRecord, parseFaultSpec } from './faults.js';
import { generatePage } from './generate-users.js';

describe('parseFaultSpec', () => {
  it('reads rates and settings, with defaults for the rest', () => {
    expect(parseFaultSpec('503=0.2, 429=0.1,bad=0.01,retry-after=0')).toEqual({
      rate503: 0.2,
      rate429: 0.1,
      badRecordRate: 0.01,
      retryAfterSeconds: 0,
      maxFaultsPerPage: 2,
    });
    expect(parseFaultSpec(undefined)).toEqual(NO_FAULTS);
    expect(parseFaultSpec('')).toEqual(NO_FAULTS);
  });

  it('names what it cannot read', () => {
    expect(() => parseFaultSpec('500=0.1')).toThrow(FaultSpecError);
    expect(() => parseFaultSpec('500=0.1')).toThrow(/invalid fault spec "500=0.1": cannot read "500=0.1"/);
    expect(() => parseFaultSpec('bad=2')).toThrow(/bad=2 is out of range/);
    expect(() => parseFaultSpec('503=0.7,429=0.7')).toThrow(/exceed 1/);
    expect(() => parseFaultSpec('retry-after=1.5')).toThrow(/out of range/);
  });
});

describe('fault decisions', () => {
  it('are deterministic and bounded per page', () => {
    const spec = parseFaultSpec('503=0.5,429=0.5,max-per-page=3');
    const decisions = [0, 1, 2].map((attempt) => httpFaultFor(spec, 'seed|1|100|', attempt, attempt));
    expect([0, 1, 2].map((attempt) => httpFaultFor(spec, 'seed|1|100|', attempt, attempt))).toEqual(decisions);
    expect(decisions.every((d) => d === 503 || d === 429)).toBe(true);
    expect(httpFaultFor(spec, 'seed|1|100|', 3, 3)).toBeNull();
    expect(httpFaultFor(NO_FAULTS, 'k', 0, 0)).toBeNull();
  });

  it('corrupts about the asked fraction of records, each one rejected by the mapper naming a field', () => {
    const spec = parseFaultSpec('bad=0.05');
    const users = generatePage({ seed: 's', page: 1, results: 2000 }).results;
    let bad = 0;
    users.forEach((u, i) => {
      if (!isCorruptRecord(spec, 's', 1, i)) return;
      bad++;
      const corrupt = corruptRecord(u, 's', 1, i);
      expect(() => mapApiUser(corrupt, { source: 'generator', ingestRunId: 'r' })).toThrow(InvalidRecordError);
      expect(u.login.uuid).not.toBe('not-a-uuid');
    });
    expect(bad).toBeGreaterThan(60);
    expect(bad).toBeLessThan(140);
  });
});
