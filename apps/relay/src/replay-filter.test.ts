import { describe, expect, it } from 'vitest';
import { replayFilter } from './replay-filter.js';

describe('replayFilter', () => {
  it('takes a run id or an ISO time', () => {
    expect(replayFilter({ runId: 'run-2026-12-01T10-00-00-000Z-ab12cd34' })).toEqual({ runId: 'run-2026-12-01T10-00-00-000Z-ab12cd34' });
    expect(replayFilter({ since: '2026-12-01T10:00:00Z' })).toEqual({ since: new Date('2026-12-01T10:00:00Z') });
  });

  it('refuses none, both, or a bad value, in one line', () => {
    expect(() => replayFilter({})).toThrow('replay needs --run-id <id> (the users an ingest run fetched) or --since <ISO time>');
    expect(() => replayFilter({ runId: 'a', since: '2026-12-01' })).toThrow('replay takes --run-id or --since, not both');
    expect(() => replayFilter({ since: 'yesterday' })).toThrow('invalid --since "yesterday": expected an ISO time such as 2026-12-01T10:00:00Z');
    expect(() => replayFilter({ runId: 'a b' })).toThrow(/^invalid --run-id "a b"/);
  });
});
