import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createCassandraClient, createPgPool, type PgPool } from '@streamline/clients';
import { storedRows } from '@streamline/app-runner';
import { COMPOSE_TEST_PORTS, composeFile, describeWithEngine, testConnections, waitFor } from '@streamline/testing';

/** A value of deploy/.env (written by `npm run images`). */
const composeEnv = (name: string) => {
  const value = new RegExp(`^${name}=(\\S+)$`, 'm').exec(readFileSync(join(dirname(composeFile), '.env'), 'utf8'))?.[1];
  if (!value) throw new Error(`deploy/.env has no ${name}: run npm run images`);
  return value;
};

/** The ingestor's run id for an Airflow run, as airflow-dags/dags/streamline_common.py's ingest_run_id makes it. */
const ingestRunId = (airflowRunId: string) => `airflow-${airflowRunId.replace(/[^\w.:-]/g, '-')}`.slice(0, 100);

/**
 * Airflow on the compose stack (the airflow image: api-server, scheduler, dag-processor): a
 * triggered user_ingest run, executed by the scheduler's LocalExecutor, runs the ingestor's bundle
 * inside the image; its users go through the relay, Kafka, Spark and the writer into Cassandra.
 */
describeWithEngine('Airflow on the compose stack (docker suite)', () => {
  // The ports the global setup published (COMPOSE_TEST_PORTS), as testConnections() takes them.
  const api = `http://127.0.0.1:${inject('stackEnv')?.AIRFLOW_PORT ?? COMPOSE_TEST_PORTS.AIRFLOW_PORT}`;
  const config = testConnections();
  let pool: PgPool;
  const cassandra = createCassandraClient(config.cassandra);
  let token = '';

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  beforeAll(async () => {
    pool = createPgPool(config.pg, { max: 2 });
  });

  afterAll(async () => {
    if (token) await call('PATCH', '/api/v2/dags/user_ingest', { is_paused: true }).catch(() => undefined);
    await pool?.end();
    await cassandra.shutdown();
  });

  it("refuses its API without Airflow's login, and a wrong password", async () => {
    expect((await fetch(`${api}/api/v2/dags`)).status).toBe(401);
    // A token it did not sign: refused as such.
    const forged = await fetch(`${api}/api/v2/dags`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ detail: 'Invalid JWT token' });
    const wrong = await fetch(`${api}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);
  });

  it('runs a triggered user_ingest: the users it fetched are stored in Cassandra', async () => {
    const login = await fetch(`${api}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: composeEnv('AIRFLOW_ADMIN_PASSWORD') }),
    });
    expect(login.status).toBe(201);
    token = ((await login.json()) as { access_token: string }).access_token;

    // The DAG processor has parsed the DAGs folder of the image.
    await waitFor(async () => (await fetch(`${api}/api/v2/dags/user_ingest`, { headers: { authorization: `Bearer ${token}` } })).ok, {
      timeoutMs: 180_000,
      intervalMs: 2_000,
      what: 'user_ingest parsed by the DAG processor',
    });
    await call('PATCH', '/api/v2/dags/user_ingest', { is_paused: false });
    const count = 300;
    const run = await call('POST', '/api/v2/dags/user_ingest/dagRuns', { logical_date: null, conf: { count, source: 'generator' } });
    const runId = String(run.dag_run_id);
    let state = '';
    await waitFor(
      async () => {
        state = String((await call('GET', `/api/v2/dags/user_ingest/dagRuns/${encodeURIComponent(runId)}`)).state);
        return state === 'success' || state === 'failed';
      },
      { timeoutMs: 300_000, intervalMs: 2_000, what: `user_ingest run ${runId} finished` },
    );
    expect(state, `user_ingest run ${runId}`).toBe('success');

    // The run's users in staging under its ingest run id (a seed derived from the run: all new)...
    const ids = (await pool.query<{ id: string }>('SELECT id::text FROM users_raw WHERE ingest_run_id = $1', [ingestRunId(runId)])).rows.map((r) => r.id);
    expect(ids.length).toBe(count);
    // ...and every one of them in Cassandra.
    let stored = 0;
    await waitFor(async () => (stored = (await storedRows(cassandra, ids)).length) === count, {
      timeoutMs: 300_000,
      intervalMs: 2_000,
      what: `the ${count} users of run ${runId} in Cassandra`,
    });
    expect(stored).toBe(count);
  });
});
