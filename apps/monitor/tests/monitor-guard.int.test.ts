import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, type PgPool } from '@streamline/clients';
import { createIsolatedRun, freePort, repoRoot, runAppToEnd, startApp, stopApp, type AppProcess, type IsolatedRun } from '@streamline/app-runner';
import { parsePrometheusText, sumSamples } from '@streamline/runtime';
import { migrateStaging } from '@streamline/staging';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';

const config = testConnections();

/**
 * The real monitor app, listening on every interface (as in the images) with a token, over the
 * stack's real servers and this test's own database. Every request goes to 127.0.0.1 only.
 */
describe('monitor guards (real app on 0.0.0.0, real servers)', () => {
  const id = uniqueName('monitor_guard');
  const outDir = join(repoRoot, '.stack', 'logs', 'monitor-it', id);
  const token = 'guard-test-token-0123456789';
  let run: IsolatedRun;
  let pool: PgPool;
  let monitor: AppProcess;
  let port = 0;

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        let body = '';
        // An event stream never ends: its status and headers are the answer.
        if (res.headers['content-type']?.startsWith('text/event-stream')) return resolve({ status: res.statusCode!, headers: res.headers, body: '' });
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject).end();
    });
  const auth = { authorization: `Bearer ${token}` };
  const metric = async (name: string) => sumSamples(parsePrometheusText((await get('/metrics')).body), name);

  beforeAll(async () => {
    run = await createIsolatedRun(config, id);
    pool = createPgPool({ ...config.pg, database: id }, { max: 2 });
    await migrateStaging(pool);
    port = await freePort();
    monitor = await startApp('monitor', {
      logDir: outDir,
      env: {
        ...run.env,
        STREAMLINE_HTTP_HOST: '0.0.0.0',
        MONITOR_HTTP_PORT: String(port),
        MONITOR_AUTH_TOKEN: token,
        MONITOR_SSE_MAX_CLIENTS: '4',
        MONITOR_FIND_TIMEOUT_MS: '500',
        MONITOR_FIND_PER_MINUTE: '3',
      },
    });
    await waitFor(async () => (await get('/healthz').catch(() => ({ status: 0 }))).status === 200, { timeoutMs: 120_000, what: 'the monitor ready' });
  });

  afterAll(async () => {
    if (monitor) await stopApp(monitor);
    await pool?.end();
    await run?.drop();
  });

  it('refuses to start beyond loopback without a token, naming the setting', () => {
    const res = runAppToEnd('monitor', [], {
      // No stack dir, so no generated login: nor a Kafka login asked for (STACK=docker's SCRAM), which would fail first.
      env: { ...run.env, STREAMLINE_HTTP_HOST: '0.0.0.0', MONITOR_HTTP_PORT: '0', MONITOR_AUTH_TOKEN: '', PG_PASSWORD: config.pg.password ?? '', KAFKA_SASL_MECHANISM: '', STREAMLINE_STACK_DIR: mkdtempSync(join(tmpdir(), 'no-stack-')) },
      timeoutMs: 60_000,
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/monitor: invalid MONITOR_AUTH_TOKEN=\(unset\): required when the monitor listens beyond loopback \(STREAMLINE_HTTP_HOST=0\.0\.0\.0\)/);
  });

  it('on 0.0.0.0 asks for the token: 401 without, 200 with', async () => {
    for (const path of ['/', '/api/state', '/api/find?q=someone@example.com']) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    }
    expect((await get('/api/state', { authorization: `Basic ${Buffer.from('me:wrong-token-000000000').toString('base64')}` })).status).toBe(401);
    const page = await get('/', { authorization: `Basic ${Buffer.from(`me:${token}`).toString('base64')}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>streamline monitor</title>');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const state = await get('/api/state', auth);
    expect(state.status).toBe(200);
    expect(JSON.parse(state.body)).toHaveProperty('flow');
  });

  it('refuses a Host that is not its own with 421, token or not', async () => {
    for (const host of ['rebind.attacker.example', `rebind.attacker.example:${port}`]) {
      const res = await get('/api/state', { ...auth, host });
      expect(res.status, host).toBe(421);
      expect(res.body).not.toContain('flow');
    }
  });

  it('serves MONITOR_SSE_MAX_CLIENTS live pages and refuses the rest (its own metrics count them)', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await get('/api/events', auth));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 503, 503]);
    expect(await metric('streamline_monitor_sse_clients')).toBe(4);
    expect(await metric('streamline_monitor_sse_refused_total')).toBe(2);
  });

  it('finds by e-mail through the index; a search stuck past MONITOR_FIND_TIMEOUT_MS is stopped (504); the 4th search in a minute is refused (429)', async () => {
    // The e-mail lookup's plan uses the index of staging migration 007 (seq scans off: the table is small).
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = (await client.query<{ 'QUERY PLAN': string }>("EXPLAIN SELECT id FROM users_raw WHERE lower(email) = lower('a@b.c') ORDER BY staged_at DESC LIMIT 11")).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/users_raw_email_lower/);

      // A search that waits on a lock: the find pool's statement timeout stops it, the sampler is not held.
      await client.query('BEGIN');
      await client.query('LOCK TABLE users_raw IN ACCESS EXCLUSIVE MODE');
      const stuck = await get('/api/find?q=someone@example.com', auth);
      expect(stuck.status).toBe(504);
      expect(JSON.parse(stuck.body).error).toMatch(/took too long and was stopped \(MONITOR_FIND_TIMEOUT_MS\)/);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    expect((await get('/api/find?q=someone@example.com', auth)).status).toBe(200);
    expect((await get('/api/find?q=someone@example.com', auth)).status).toBe(200);
    const limited = await get('/api/find?q=someone@example.com', auth);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
