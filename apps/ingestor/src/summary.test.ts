import { describe, expect, it } from 'vitest';
import { MAX_REJECT_REASONS, createTally, formatSummary, summaryJson } from './summary.js';

const run = { runId: 'run-1', source: 'generator' as const, seed: 'abc', requested: 100, pages: 1, resultsPerPage: 100 };

describe('summary', () => {
  it('counts and computes the rate from fetched users and elapsed time', () => {
    const tally = createTally(run);
    tally.fetched = 100;
    tally.staged = 90;
    tally.duplicates = 7;
    tally.reject('invalid record: email="nobody": Invalid string');
    tally.reject('invalid record: email="nobody": Invalid string');
    tally.reject('invalid record: dob.date="yesterday": Invalid ISO datetime');
    const s = tally.finish(2000, false);
    expect(s).toMatchObject({ fetched: 100, staged: 90, duplicates: 7, rejected: 3, rate: 50, elapsedMs: 2000, interrupted: false });
    expect(s.rejectReasons).toEqual(['invalid record: email="nobody": Invalid string', 'invalid record: dob.date="yesterday": Invalid ISO datetime']);
  });

  it('keeps only the first few distinct reasons', () => {
    const tally = createTally(run);
    for (let i = 0; i < 20; i++) tally.reject(`reason ${i}`);
    const s = tally.finish(1, false);
    expect(s.rejected).toBe(20);
    expect(s.rejectReasons).toHaveLength(MAX_REJECT_REASONS);
  });

  it('prints one line, and one JSON line', () => {
    const tally = createTally(run);
    tally.fetched = 100;
    tally.staged = 99;
    tally.reject('invalid record: name.first="": Too small');
    const s = tally.finish(500, false);
    const line = formatSummary(s);
    expect(line).not.toContain('\n');
    expect(line).toBe(
      'ingest done: fetched=100/100 staged=99 duplicates=0 rejected=1 retries=0 rate=200 users/s elapsed=0.50s source=generator seed=abc run=run-1 rejected e.g.: invalid record: name.first="": Too small',
    );
    const json = summaryJson(s);
    expect(json).not.toContain('\n');
    expect(JSON.parse(json)).toMatchObject({ ok: true, fetched: 100, staged: 99, rejected: 1, runId: 'run-1' });
  });
});
