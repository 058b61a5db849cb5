import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraClient, createPgPool, type PgPool } from '@streamline/clients';
import { createIsolatedRun, startApp, stopApp, type AppProcess, type IsolatedRun } from '@streamline/pipeline-runner';
import { stackMode, testConnections, uniqueName, waitFor } from '@streamline/testing';
import type { apiUserNumericPostcode } from '@streamline/user-schema/testing';

const root = join(import.meta.dirname, '..', '..', '..');
const config = testConnections();

/**
 * The whole pipeline on real servers: ingestor -> PostgreSQL -> relay -> Kafka -> Spark job ->
 * Kafka -> cassandra-writer -> Cassandra, each app its own process, on this test's own database,
 * topics, keyspace, consumer group and Spark checkpoint.
 */
describe.runIf(stackMode() === 'local')('pipeline end to end (real servers, all four apps)', () => {
  const id = uniqueName('e2e');
  let env: Record<string, string> = {};
  let run: IsolatedRun;
  const logDir = join(root, '.stack', 'logs', 'e2e', id);
  const cassandra = createCassandraClient(config.cassandra);
  let pool: PgPool;
  const apps = new Map<string, AppProcess>();

  const start = (name: string) => apps.set(name, startApp(root, name, [], logDir, env));
  const ingest = (seed: string, count: number) => {
    const res = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps/ingestor/src/main.ts'), '--source', 'generator', '--seed', seed, '--count', String(count), '--json'], {
      cwd: root,
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(res.status, res.stderr).toBe(0);
    return JSON.parse(res.stdout.trim().split('\n').pop()!) as { staged: number; duplicates: number; fetched: number; rejected: number };
  };
  const storedCount = async () => {
    try {
      return Number((await cassandra.execute(`SELECT count(*) FROM ${id}.created_users`)).first().get('count'));
    } catch {
      return 0; // the writer has not created the table yet
    }
  };
  const unpublished = async () => Number((await pool.query('SELECT count(*) FROM outbox WHERE published_at IS NULL')).rows[0].count);

  beforeAll(async () => {
    run = await createIsolatedRun(config, id);
    env = { ...run.env, LOG_LEVEL: 'info' };
    pool = createPgPool({ ...config.pg, database: id }, { max: 2 });
    start('relay');
    start('spark-launcher');
    start('cassandra-writer');
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((a) => stopApp(a)));
    await pool?.end();
    await cassandra.shutdown();
    await run?.drop();
  });

  it('lands N generated users as exactly N rows in Cassandra, field by field; the same seed again adds none', async () => {
    const n = 2000;
    const first = ingest('e2e-one', n);
    expect(first).toMatchObject({ fetched: n, staged: n, duplicates: 0, rejected: 0 });

    await waitFor(async () => (await storedCount()) >= n, { timeoutMs: 240_000, intervalMs: 1000, what: `${n} users in Cassandra` });
    expect(await storedCount()).toBe(n);

    // A sample compared with what the source sent (the raw JSON kept in staging).
    // The API 1.4 shape, as the generator served it.
    type Raw = typeof apiUserNumericPostcode;
    const { rows } = await pool.query<{ id: string; raw: Raw }>('SELECT id, raw FROM users_raw ORDER BY id LIMIT 25');
    const stored = await cassandra.execute(`SELECT * FROM ${id}.created_users WHERE id IN ?`, [rows.map((r) => r.id)], { prepare: true });
    expect(stored.rowLength).toBe(rows.length);
    const byId = new Map(stored.rows.map((r) => [r.get('id').toString(), r]));
    for (const { id: userId, raw } of rows) {
      const row = byId.get(userId)!;
      expect(row.get('first_name')).toBe(raw.name.first.trim());
      expect(row.get('last_name')).toBe(raw.name.last.trim());
      expect(row.get('email')).toBe(raw.email.trim().toLowerCase());
      expect(row.get('username')).toBe(raw.login.username);
      expect(row.get('post_code')).toBe(String(raw.location.postcode));
      expect(row.get('dob').toString()).toBe(raw.dob.date.slice(0, 10));
      expect(row.get('registered_date').getTime()).toBe(Date.parse(raw.registered.date));
      expect(row.get('phone')).toBe(raw.phone.replace(/(?!^\+)[^\d]/g, ''));
      expect(row.get('address')).toContain(`${raw.location.street.number} ${raw.location.street.name}`);
      expect(row.get('picture')).toBe(raw.picture.medium);
      expect(row.get('nationality')).toBe(raw.nat);
      expect(row.get('stored_at').getTime()).toBeGreaterThanOrEqual(row.get('staged_at').getTime());
    }

    // Idempotent rerun: nothing staged, nothing published, nothing new stored.
    const again = ingest('e2e-one', n);
    expect(again).toMatchObject({ fetched: n, staged: 0, duplicates: n });
    expect(Number((await pool.query('SELECT count(*) FROM outbox')).rows[0].count)).toBe(n);
    expect(await storedCount()).toBe(n);
  });

  it('ends with exactly the expected set when the relay and the writer are killed mid-run and restarted', async () => {
    const before = await storedCount();
    const n = 3000;
    apps.get('relay')!.child.kill('SIGSTOP'); // hold the relay so the kill lands mid-run
    expect(ingest('e2e-two', n)).toMatchObject({ staged: n });
    apps.get('relay')!.child.kill('SIGCONT');
    await waitFor(async () => (await unpublished()) < n, { timeoutMs: 60_000, what: 'the relay publishing' });
    apps.get('relay')!.child.kill('SIGKILL');
    await waitFor(async () => (await storedCount()) > before, { timeoutMs: 180_000, intervalMs: 500, what: 'the writer storing' });
    apps.get('cassandra-writer')!.child.kill('SIGKILL');
    await Promise.all([apps.get('relay')!.exited, apps.get('cassandra-writer')!.exited]);

    start('relay');
    start('cassandra-writer');
    await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 60_000, what: 'the outbox drained' });
    await waitFor(async () => (await storedCount()) >= before + n, { timeoutMs: 240_000, intervalMs: 1000, what: `${before + n} users in Cassandra` });
    expect(await storedCount()).toBe(before + n);
  });
});
