import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCassandraClient, createPgPool, type PgPool } from '@streamline/clients';
import { loadStackConfig } from '../../tools/local-stack/src/config.js';
import { isProcessAlive } from '@streamline/runtime';
import { createIsolatedRun, startApp, stopApp, storedRows, type AppProcess, type IsolatedRun } from '@streamline/app-runner';
import { describeForStack, testConnections, uniqueName, waitFor } from '@streamline/testing';
import { airflowEnv } from '../../tools/local-stack/src/components/airflow.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * A real `airflow dags test user_ingest` with the pipeline running (relay, Spark job, writer) on
 * this test's own database, topics and keyspace. The staging database reaches the ingestor only
 * through the Airflow connection `streamline_postgres`: the env names another, missing, database.
 */
describeForStack(['local'], 'Airflow DAG user_ingest (real Airflow, real pipeline)', 'Airflow runs from the local stack\'s venv (compose has no Airflow test service)', () => {
  const config = testConnections();
  const id = uniqueName('it_airflow');
  const logDir = join(root, '.stack', 'logs', 'airflow-it', id);
  const cassandra = createCassandraClient(config.cassandra);
  const apps = new Map<string, AppProcess>();
  let run: IsolatedRun;
  let pool: PgPool;

  beforeAll(async () => {
    run = await createIsolatedRun(config, id);
    pool = createPgPool({ ...config.pg, database: id }, { max: 1 });
    for (const app of ['relay', 'spark-launcher', 'cassandra-writer'] as const) apps.set(app, await startApp(app, { logDir, env: run.env }));
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((a) => stopApp(a)));
    await pool?.end();
    await cassandra.shutdown();
    await run?.drop();
  });

  const airflow = (dag: string, env: NodeJS.ProcessEnv) => {
    const stack = loadStackConfig(process.env, root);
    const res = spawnSync(join(stack.dir, 'dist', 'airflow', 'bin', 'airflow'), ['dags', 'test', dag], {
      cwd: root,
      env: { ...process.env, ...airflowEnv(stack, stack.dir), ...run.env, ...env },
      encoding: 'utf8',
      timeout: 170_000,
    });
    return { status: res.status, output: `${res.stdout}\n${res.stderr}` };
  };
  // The staging database reaches the apps only through the Airflow connection.
  const viaConnection = () => ({
    PG_DATABASE: `${id}_not_this_one`,
    AIRFLOW_CONN_STREAMLINE_POSTGRES: JSON.stringify({ conn_type: 'postgres', host: config.pg.host, port: config.pg.port, login: config.pg.user, password: config.pg.password, schema: id }),
  });

  it('runs the ingestor and its check; the run\'s users are in staging, then in Cassandra', async () => {
    const n = 250;
    const { status, output } = airflow('user_ingest', { ...viaConnection(), USER_INGEST_COUNT: String(n), USER_INGEST_SOURCE: 'generator' });
    expect(status, output.slice(-6000)).toBe(0);
    expect(output).toMatch(/DagRun Finished: dag_id=user_ingest.*state=success/);
    expect(output).toMatch(/connection streamline_postgres sets .*PG_DATABASE/);

    const { rows } = await pool.query<{ runs: string; users: string; outbox: string }>(
      `SELECT count(DISTINCT ingest_run_id) AS runs, count(*) AS users, (SELECT count(*) FROM outbox) AS outbox FROM users_raw`,
    );
    expect(rows[0]).toEqual({ runs: '1', users: String(n), outbox: String(n) });
    const staged = (await pool.query<{ id: string; ingest_run_id: string }>('SELECT id, ingest_run_id FROM users_raw')).rows;
    expect(staged[0]!.ingest_run_id).toMatch(/^airflow-manual__/);

    // With the pipeline running, the same users end up in Cassandra: exactly those, each once.
    const ids = staged.map((r) => r.id);
    const table = `${id}.created_users`;
    await waitFor(async () => (await storedRows(cassandra, ids, table).catch(() => [])).length === n, {
      timeoutMs: 150_000,
      intervalMs: 1000,
      what: `the ${n} users of the Airflow run in Cassandra`,
    });
    expect(new Set((await storedRows(cassandra, ids, table)).map((r) => r.id))).toEqual(new Set(ids));
    expect(Number((await cassandra.execute(`SELECT count(*) FROM ${table}`)).first().get('count'))).toBe(n);
  }, 330_000);

  it('pipeline_health passes while the stages keep up and fails naming a stopped Spark job; spark_streaming starts it again', async () => {
    const healthy = airflow('pipeline_health', viaConnection());
    expect(healthy.status, healthy.output.slice(-6000)).toBe(0);
    expect(healthy.output).toMatch(/relay lag: \{'unpublished': 0/);
    expect(healthy.output).toMatch(/writer lag: 0\b/);

    await stopApp(apps.get('spark-launcher')!);
    const stuck = airflow('pipeline_health', viaConnection());
    expect(stuck.status).not.toBe(0);
    expect(stuck.output).toMatch(/spark job not running/);
    expect(stuck.output).toMatch(/DagRun Finished: dag_id=pipeline_health.*state=failed/);

    // spark_streaming starts the launcher again (detached) and waits for the streaming query.
    const restarted = airflow('spark_streaming', viaConnection());
    expect(restarted.status, restarted.output.slice(-6000)).toBe(0);
    const status = JSON.parse(readFileSync(run.env.SPARK_LAUNCHER_STATUS_FILE!, 'utf8')) as { pid: number; state: string };
    expect(status.state).toBe('running');
    try {
      expect(isProcessAlive(status.pid)).toBe(true); // the detached launcher
      const healthyAgain = airflow('pipeline_health', viaConnection());
      expect(healthyAgain.status, healthyAgain.output.slice(-6000)).toBe(0);
    } finally {
      process.kill(status.pid, 'SIGTERM');
      await waitFor(async () => !isProcessAlive(status.pid), { timeoutMs: 60_000, what: 'the detached spark-launcher stopping' });
    }
  }, 600_000);
});
