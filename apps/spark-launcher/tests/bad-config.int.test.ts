import { describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';

// The unit tests (src/config.test.ts) refuse every variable's and flag's bad values; this runs the real CLI.
describe('spark-launcher CLI: a bad setting', () => {
  it.each([
    [[], { SPARK_JOB_EXECUTOR_CORES: '4' }, 'spark-launcher: invalid SPARK_JOB_EXECUTOR_CORES="4": must not exceed SPARK_JOB_CORES_MAX (3)'],
    [['--trigger-seconds', 'soon'], {}, 'spark-launcher: invalid --trigger-seconds="soon": expected a number such as 5 or 0.5'],
    [['status'], { STREAMLINE_HOST: 'http://127.0.0.1' }, 'spark-launcher: invalid STREAMLINE_HOST="http://127.0.0.1": expected a host name or IP address (no scheme, port or spaces)'],
  ])('%j %j: exits 2 with one line naming it, before starting anything', (args, env, line) => {
    // A value that has become valid would start the launcher for good: the timeout makes that a failure, not a hang.
    const run = runAppToEnd('spark-launcher', args, { env, timeoutMs: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([line]);
  });
});
