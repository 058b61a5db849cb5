import { describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';

// The unit tests (src/config.test.ts) refuse every variable's bad values; this runs the real CLI.
describe('relay CLI: a bad setting', () => {
  it.each([
    [{ KAFKA_BROKERS: 'localhost' }, 'relay: invalid KAFKA_BROKERS="localhost": expected comma-separated host:port pairs, e.g. 127.0.0.1:9092'],
  ])('%j: exits 2 with one line naming it, before connecting to anything', (env, line) => {
    const run = runAppToEnd('relay', [], { env });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([line]);
  });
});
