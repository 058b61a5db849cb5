import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool } from '@streamline/clients';
import { loadStackConfig } from '@streamline/config';
import { stackMode, testConnections, uniqueName } from '@streamline/testing';
import { airflowEnv } from '../../tools/local-stack/src/components/airflow.js';

const root = join(import.meta.dirname, '..', '..');

describe.runIf(stackMode() === 'local')('Airflow DAG user_ingest (real Airflow, real PostgreSQL)', () => {
  const config = testConnections();
  const database = uniqueName('it_airflow');
  const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });

  beforeAll(async () => {
    // Its own staging database; the ingestor creates the tables.
    await admin.query(`CREATE DATABASE ${database}`);
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('`airflow dags test user_ingest` runs the ingestor and its check, and the users are in staging', async () => {
    const stack = loadStackConfig(process.env, root);
    const env = { ...process.env, ...airflowEnv(stack, stack.dir), PG_DATABASE: database, USER_INGEST_COUNT: '250', USER_INGEST_SOURCE: 'generator' };
    const res = spawnSync(join(stack.dir, 'dist', 'airflow', 'bin', 'airflow'), ['dags', 'test', 'user_ingest'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(res.status, `${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`).toBe(0);
    expect(res.stdout + res.stderr).toMatch(/DagRun Finished: dag_id=user_ingest.*state=success/);

    const pool = createPgPool({ ...config.pg, database }, { max: 1 });
    try {
      const { rows } = await pool.query<{ runs: string; users: string; outbox: string }>(
        `SELECT count(DISTINCT ingest_run_id) AS runs, count(*) AS users, (SELECT count(*) FROM outbox) AS outbox FROM users_raw`,
      );
      expect(rows[0]).toEqual({ runs: '1', users: '250', outbox: '250' });
      const runId = (await pool.query<{ ingest_run_id: string }>('SELECT DISTINCT ingest_run_id FROM users_raw')).rows[0]!.ingest_run_id;
      expect(runId).toMatch(/^airflow-manual__/);
    } finally {
      await pool.end();
    }
  });
});
