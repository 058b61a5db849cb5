import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeForStack } from '@streamline/testing';
import { loadStackConfig } from '../../tools/local-stack/src/config.js';
import { airflowEnv } from '../../tools/local-stack/src/components/airflow.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * A run triggered with hostile conf on the stack's real Airflow (`airflow dags test --conf`, the
 * stack's metadata database, this checkout's DAGs): each value that used to reach a shell is refused
 * when the run is created, the reason named, and the command it carried never runs.
 */
describeForStack(['local'], 'Airflow DAGs refuse hostile run conf (real Airflow)', 'Airflow runs from the local stack\'s venv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamline-hostile-'));
  const marker = join(dir, 'pwned');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const trigger = (dag: string, conf: Record<string, unknown>) => {
    const stack = loadStackConfig(process.env, root);
    const res = spawnSync(join(stack.dir, 'dist', 'airflow', 'bin', 'airflow'), ['dags', 'test', dag, '--conf', JSON.stringify(conf)], {
      cwd: root,
      env: { ...process.env, ...airflowEnv(stack, stack.dir) },
      encoding: 'utf8',
      timeout: 170_000,
    });
    return { status: res.status, output: `${res.stdout}\n${res.stderr}` };
  };

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['user_ingest', { count: `1; touch ${marker}` }, /ParamValidationError: Invalid input for param count: '1; touch .*' is not of type 'integer'/],
    ['user_ingest', { count: 5, source: `generator$(touch ${marker})` }, /ParamValidationError: Invalid input for param source: 'generator\$\(touch .*\)' is not one of \['generator', 'api', 'auto'\]/],
    ['spark_streaming', { wait_s: `5; touch ${marker}` }, /ParamValidationError: Invalid input for param wait_s: '5; touch .*' is not of type 'integer'/],
  ];
  for (const [dag, conf, reason] of cases) {
    it(`${dag} refuses ${JSON.stringify(conf)} and runs nothing`, () => {
      const { status, output } = trigger(dag, conf);
      expect(status, output.slice(-3000)).not.toBe(0);
      expect(output).toMatch(reason);
      // Refused before any task: no task ran, the command in the value did not run.
      expect(output).not.toMatch(/task_id=(ingest|ensure_running)/);
      expect(existsSync(marker)).toBe(false);
    }, 180_000);
  }
});
