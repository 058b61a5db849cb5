import { describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';

// The unit tests (src/config.test.ts) refuse every variable's bad values; this runs the real CLI.
describe('user-query CLI: a bad setting', () => {
  it.each([
    [{ CASSANDRA_TABLE: 'users-x' }, 'user-query: invalid CASSANDRA_TABLE="users-x": expected a CQL identifier (letter, then letters, digits or _; at most 48)'],
  ])('%j: exits 2 with one line naming it, before connecting to Cassandra', (env, line) => {
    const run = runAppToEnd('user-query', ['--latest', '1'], { env });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([line]);
  });
});
