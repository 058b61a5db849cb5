import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { describeForStack } from '@streamline/testing';
import { stackPaths } from '../src/paths.js';

const fixture = join(import.meta.dirname, 'fixtures', 'sum_job.py');

describeForStack(['local'], 'Spark standalone cluster (real master + worker)', 'it runs spark-submit from the local stack\'s venv', () => {
  it('runs a job submitted to the master and returns the known result', async () => {
    const config = loadStackConfig(process.env);
    const paths = stackPaths(config);
    const res = spawnSync(
      join(paths.venv, 'bin', 'spark-submit'),
      [
        '--master', config.connections.spark.masterUrl,
        '--conf', 'spark.cores.max=2',
        '--conf', 'spark.executor.memory=512m',
        '--conf', 'spark.ui.enabled=false',
        '--driver-memory', '512m',
        fixture,
      ],
      { encoding: 'utf8', timeout: 170_000, env: { ...process.env, SPARK_LOCAL_IP: config.host, PYSPARK_PYTHON: join(paths.venv, 'bin', 'python') } },
    );
    expect(res.stdout, res.stderr.slice(-2000)).toContain(`RESULT rdd=5050 df=5050 master=${config.connections.spark.masterUrl}`);
    expect(res.status).toBe(0);

    // The master saw the application run to completion.
    const master = (await (await fetch(`${config.connections.spark.masterUiUrl}/json/`)).json()) as {
      completedapps: Array<{ name: string; state: string }>;
    };
    expect(master.completedapps.some((app) => app.name === 'streamline-stack-probe' && app.state === 'FINISHED')).toBe(true);
  });
});
