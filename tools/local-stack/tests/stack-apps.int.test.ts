import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, repoRoot } from '@streamline/app-runner';
import { connectAdmin, createKafka, createPgPool, type PgPool } from '@streamline/clients';
import { isProcessAlive } from '@streamline/runtime';
import { migrateStaging, stageUsers } from '@streamline/staging';
import { mapApiUser } from '@streamline/user-schema';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';
import { describeForStack, fetchHealth, testConnections, uniqueName, waitFor } from '@streamline/testing';

const config = testConnections();

const users = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const raw = { ...apiUserNumericPostcode, login: { ...apiUserNumericPostcode.login, uuid: randomUUID() }, email: `stack${i}@example.com` };
    return { raw, record: mapApiUser(raw, { source: 'generator', ingestRunId: 'stack-apps-it' }) };
  });

describeForStack(['local'], 'stack up runs the pipeline apps supervised', "it starts the local stack's own app processes", () => {
  const database = uniqueName('it_stack_apps');
  const topic = uniqueName('it_stack_apps_topic');
  let port = 0;
  let env: NodeJS.ProcessEnv = {};
  const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
  let pool: PgPool;
  const stack = (...args: string[]) => spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'tools/local-stack/src/cli.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', env });
  const status = () => JSON.parse(stack('status', '--json').stdout) as Array<{ name: string; kind: string; pid: number | null; port: number; health: string; url?: string; detail: string }>;
  const logFile = join(repoRoot, '.stack', 'logs', 'relay.log');
  const appPids = () =>
    (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
      .split('\n')
      .filter((l) => l.includes('"msg":"app started"'))
      .map((l) => (JSON.parse(l) as { pid: number }).pid);

  beforeAll(async () => {
    port = await freePort();
    // The stack's relay, on this test's own database, topic and port.
    env = { ...process.env, STREAMLINE_STACK_APPS: 'relay', RELAY_HTTP_PORT: String(port), PG_DATABASE: database, TOPIC_USERS_CREATED: topic, LOG_LEVEL: 'info' };
    await admin.query(`CREATE DATABASE ${database}`);
    pool = createPgPool({ ...config.pg, database }, { max: 2 });
    await migrateStaging(pool);
  });

  afterAll(async () => {
    stack('down', 'relay');
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('up starts the relay under a supervisor, status lists it healthy from its /healthz, a killed app comes back, down stops it cleanly', { timeout: 240_000 }, async () => {
    const up = stack('up', 'relay');
    expect(up.status, up.stderr).toBe(0);
    const row = status().find((r) => r.name === 'relay')!;
    expect(row).toMatchObject({ kind: 'app', port, health: 'healthy', url: `http://127.0.0.1:${port}` });
    expect(row.detail).toMatch(/^ready/);
    const supervisor = row.pid!;
    expect(isProcessAlive(supervisor)).toBe(true);

    // It works: staged users reach the topic.
    await stageUsers(pool, users(50));
    const unpublished = async () => Number((await pool.query('SELECT count(*) FROM outbox WHERE published_at IS NULL')).rows[0].count);
    await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 60_000, what: 'the supervised relay publishing' });

    // kill -9 of the app: the supervisor starts it again (with backoff), on the same port.
    const first = appPids().at(-1)!;
    process.kill(first, 'SIGKILL');
    await waitFor(() => appPids().at(-1) !== first, { timeoutMs: 60_000, what: 'the relay started again' });
    await waitFor(async () => (await fetchHealth(`http://127.0.0.1:${port}`).catch(() => ({ status: 0 }))).status === 200, { timeoutMs: 60_000, what: 'the restarted relay ready' });
    expect(status().find((r) => r.name === 'relay')!.pid).toBe(supervisor);
    expect(readFileSync(logFile, 'utf8')).toContain('"msg":"app exited; restarting after backoff"');
    await stageUsers(pool, users(50));
    await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 60_000, what: 'the restarted relay publishing' });
    const kafka = await connectAdmin(createKafka(config.kafka));
    const messages = (await kafka.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    await kafka.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await kafka.disconnect();
    expect(messages).toBeGreaterThanOrEqual(100);

    // down: the supervisor passes SIGTERM on once; the app drains and exits, then the supervisor.
    const last = appPids().at(-1)!;
    expect(stack('down', 'relay').status).toBe(0);
    expect(isProcessAlive(supervisor)).toBe(false);
    expect(isProcessAlive(last)).toBe(false);
    const tail = readFileSync(logFile, 'utf8');
    expect(tail).toContain('"reason":"SIGTERM","msg":"shutting down"');
    expect(tail.trimEnd().split('\n').at(-1)).toContain('"msg":"app stopped"');
    expect(status().find((r) => r.name === 'relay')).toMatchObject({ health: 'stopped', pid: null });
  });
});
