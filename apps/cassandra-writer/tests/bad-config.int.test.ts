import { describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';

// The unit tests (src/config.test.ts) refuse every variable's bad values; this runs the real CLI.
describe('cassandra-writer CLI: a bad setting', () => {
  it.each([
    [[], { WRITER_GROUP_ID: 'my group' }, 'cassandra-writer: invalid WRITER_GROUP_ID="my group": expected letters, digits, . _ or - (at most 249)'],
    [['lag'], { SCHEMA_REGISTRY_URL: 'localhost:8081' }, 'cassandra-writer: invalid SCHEMA_REGISTRY_URL="localhost:8081": expected an http:// or https:// URL'],
  ])('%j %j: exits 2 with one line naming it, before connecting to anything', (args, env, line) => {
    const run = runAppToEnd('cassandra-writer', args, { env });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([line]);
  });
});
