import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createCassandraClient, createPgPool, type PgPool } from '@streamline/clients';
import { createIsolatedRun, repoRoot, type IsolatedRun } from '@streamline/app-runner';
import { itForStack, testConnections, uniqueName, waitFor } from '@streamline/testing';
import { expectExactlyTheStagedSet } from './support/exact-set.js';

const config = testConnections();

/**
 * `npm start -- --follow --rate R`: a stream until Ctrl-C. Run as a person at a terminal would,
 * with npm start's own command (`node --import tsx ...`): the SIGINT goes to the whole process
 * group; every user the run reports fetched must be in Cassandra when it exits 0.
 */
describe('npm start --follow (real servers, whole pipeline)', () => {
  const id = uniqueName('follow');
  let run: IsolatedRun;
  let pool: PgPool;
  const cassandra = createCassandraClient(config.cassandra);

  beforeAll(async () => {
    run = await createIsolatedRun(config, id);
    pool = createPgPool({ ...config.pg, database: id }, { max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await cassandra.shutdown();
    await run?.drop();
  });

  itForStack(
    ['local'],
    'streams at the rate until SIGINT, then stages what it fetched and waits until every user is stored; exit 0',
    "npm start under STACK=docker brings up deploy/docker-compose.yml's own project on the usual ports, where this run's servers are",
    { timeout: 600_000 },
    async () => {
    const out: string[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/pipeline-runner/src/main.ts', '--follow', '--rate', '200', '--source', 'generator', '--seed', 'follow-it', '--timeout', '300'], {
      cwd: repoRoot,
      // Its own apps for this run, on this test's data (the stack runs the servers only here).
      env: { ...process.env, ...run.env, STREAMLINE_STACK_APPS: 'none', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => out.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const staged = async () => Number((await pool.query('SELECT count(*) AS n FROM users_raw').catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n);

    // What npm start said, when it did not get that far.
    const said = (error: Error) => {
      throw new Error(`${error.message}; npm start said:\n${out.join('').slice(-3000)}`);
    };
    await waitFor(() => out.join('').includes('Ctrl-C stops the stream') || child.exitCode !== null, { timeoutMs: 400_000, intervalMs: 500, what: 'the stream starting' }).catch(said);
    expect(child.exitCode, out.join('')).toBeNull();
    await waitFor(async () => (await staged()) >= 1000, { timeoutMs: 120_000, intervalMs: 500, what: '1000 users streamed' });
    // Live counts are shown while it streams.
    await waitFor(() => /staged \d+ \(\d+\/s\), stored/.test(out.join('')), { timeoutMs: 30_000, what: 'a live count line' });
    process.kill(-child.pid!, 'SIGINT'); // Ctrl-C at a terminal: the whole foreground group

    expect(await exited, out.join('')).toBe(0);
    const text = out.join('');
    expect(text).toContain('SIGINT: stopping the stream');
    const fetched = Number(/^fetched +(\d+) /m.exec(text)?.[1]);
    expect(fetched).toBeGreaterThanOrEqual(1000);
    expect(text).toMatch(new RegExp(`^stored in Cassandra +${fetched} `, 'm'));
    // Every user fetched was staged once and is in Cassandra, exactly that set.
    expect(await staged()).toBe(fetched);
    await expectExactlyTheStagedSet({ pool, cassandra, table: `${id}.created_users`, what: 'when npm start exited', countTimeoutMs: 1_000 });
  },
  );
});
