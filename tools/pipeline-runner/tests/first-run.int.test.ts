import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { portFree, repoRoot } from '@streamline/app-runner';
import { createCassandraClient, createPgPool } from '@streamline/clients';
import { APP_HTTP_PORT_VARS, APP_HTTP_PORTS, DEFAULT_PORTS, loadConnectionConfig, loadStackLayout, loadUserTable } from '@streamline/config';
import { stackCli } from '@streamline/stack-control';
import { fetchedIds } from '@streamline/staging';
import { describeForStack } from '@streamline/testing';
import { STACK_PORT_VARS } from '../../local-stack/src/config.js';

/** Each of the second stack's ports is the usual one + this: below the OS's ephemeral range, so no JVM's random port takes it first. */
const PORT_OFFSET = 20_000;

/** Settings a person's shell would not have: whatever points at this checkout's stack or a test's data. */
const STREAMLINE_VAR = /^(STREAMLINE_|STACK$|PG_|CASSANDRA_|KAFKA_|SCHEMA_REGISTRY_|SPARK_|AIRFLOW|ZOOKEEPER_|TOPIC_|WRITER_|RELAY_|INGESTOR_|MONITOR_)/;

/**
 * The README's first command on a fresh clone: no `.stack/` at all (no credentials, no data, nothing
 * installed), so `npm start` installs the stack, brings it up, generates its credentials and must
 * then run the pipeline with them (it once read its settings before `up` and stopped at "no
 * PostgreSQL password"). The clone is this checkout's files (tracked and new, as a commit of the
 * working tree would hold them) in a new folder; it shares only node_modules and the download cache
 * (STREAMLINE_CACHE_DIR), and its stack runs beside the tests' one, every port moved by PORT_OFFSET.
 */
describeForStack(['local'], 'npm start on a fresh clone', 'it installs and starts a second local stack of its own', () => {
  const parent = mkdtempSync(join(tmpdir(), 'streamline-fresh-'));
  // As a clone in a home folder: the postgres user may enter it.
  chmodSync(parent, 0o755);
  const clone = join(parent, 'streamline');
  const movedPorts = [
    ...Object.entries(STACK_PORT_VARS).map(([key, variable]) => [variable, DEFAULT_PORTS[key as keyof typeof DEFAULT_PORTS] + PORT_OFFSET] as const),
    ...Object.entries(APP_HTTP_PORT_VARS).map(([app, variable]) => [variable, APP_HTTP_PORTS[app as keyof typeof APP_HTTP_PORTS] + PORT_OFFSET] as const),
  ];
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !STREAMLINE_VAR.test(name))),
    ...Object.fromEntries(movedPorts.map(([variable, port]) => [variable, String(port)])),
    STREAMLINE_CACHE_DIR: loadStackLayout(process.env, repoRoot).cacheDir,
  };

  afterAll(() => {
    try {
      // Stops its servers and apps and wipes their data (a cluster outside the clone included).
      if (existsSync(join(clone, '.stack'))) stackCli(['reset'], 'pipe', env, clone);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 300_000);

  it('npm start -- --count 200 exits 0 the first time, prints the per-stage table, and the 200 users are in its Cassandra', { timeout: 1_500_000 }, async () => {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      const from = join(repoRoot, file);
      if (!existsSync(from)) continue; // deleted in the working tree
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      // Timestamps kept: package-lock.json stays older than the shared node_modules' marker.
      cpSync(from, join(clone, file), { preserveTimestamps: true });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
    // npm's prestart would reinstall a stale node_modules: never through this link into the checkout's own.
    expect(statSync(join(repoRoot, 'node_modules', '.package-lock.json')).mtimeMs).toBeGreaterThanOrEqual(statSync(join(clone, 'package-lock.json')).mtimeMs);
    expect(existsSync(join(clone, '.stack'))).toBe(false);
    for (const [variable, port] of movedPorts) expect(await portFree(port), `${variable}=${port} is taken: the fresh clone's stack needs it`).toBe(true);

    // --source generator: the default probes randomuser.me, and no test sends traffic off this machine.
    const child = spawn('npm', ['start', '--', '--count', '200', '--source', 'generator'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, out.slice(-6000)).toBe(0);
    expect(out).toContain("generated the stack's credentials");
    expect(out).not.toContain('no PostgreSQL password');
    expect(out).toMatch(/^fetched +200 /m);
    expect(out).toMatch(/^stored in Cassandra +200 /m);

    // The stored rows are exactly the users it staged, read with the credentials its stack generated.
    const stackEnv = { ...env, STREAMLINE_STACK_DIR: join(clone, '.stack') };
    const connections = loadConnectionConfig(stackEnv);
    const pool = createPgPool(connections.pg, { max: 1 });
    const cassandra = createCassandraClient(connections.cassandra);
    try {
      const runId = /^run (\S+)$/m.exec(out)?.[1];
      expect(runId, 'the run id in the table').toBeDefined();
      const staged = new Set((await fetchedIds(pool, runId!)).staged);
      const { keyspace, table } = loadUserTable(stackEnv);
      const stored = new Set<string>();
      for await (const row of await cassandra.execute(`SELECT id FROM ${keyspace}.${table}`, [], { fetchSize: 1000 })) stored.add(row.get('id').toString());
      expect(staged.size).toBe(200);
      expect(stored).toEqual(staged);
    } finally {
      await pool.end();
      await cassandra.shutdown();
    }
  });
});
