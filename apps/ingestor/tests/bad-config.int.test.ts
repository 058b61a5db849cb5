import { describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';

// The unit tests (src/config.test.ts) refuse every variable's and flag's bad values; this runs the real CLI.
describe('ingestor CLI: a bad setting', () => {
  it.each([
    [['--count', '1e3'], {}, 'ingestor: invalid --count="1e3": expected a whole number (decimal digits)'],
    [[], { INGESTOR_REQUEST_TIMEOUT_MS: '30s' }, 'ingestor: invalid INGESTOR_REQUEST_TIMEOUT_MS="30s": expected a whole number (decimal digits)'],
    [['serve-generator'], { GENERATOR_FAULTS: '500=0.1' }, 'ingestor: invalid GENERATOR_FAULTS="500=0.1": cannot read "500=0.1" (expected e.g. "503=0.2,429=0.1,bad=0.01,retry-after=1,max-per-page=2")'],
    [['staged', '--run-id', 'r'], { PG_DATABASE: 'd'.repeat(64) }, `ingestor: invalid PG_DATABASE="${'d'.repeat(64)}": expected at most 63 bytes (PostgreSQL's name limit)`],
  ])('%j %j: exits 2 with one line naming it, before connecting to anything', (args, env, line) => {
    const run = runAppToEnd('ingestor', args, { env });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([line]);
  });
});
