import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort, repoRoot } from '@streamline/app-runner';
import { connectAdmin, createKafka, createPgPool, registryHeaders } from '@streamline/clients';
import { readStackCredentials } from '@streamline/config';
import { stackStatus } from '@streamline/stack-control';
import { describeForStack, testConnections, uniqueName, waitFor } from '@streamline/testing';
import { scramUserLaunch } from '../src/components/kafka.js';
import { schemaRegistry } from '../src/components/schema-registry.js';
import { loadStackConfig } from '../src/config.js';
import { javaArgFileText } from '../src/jvm.js';
import { stackPaths } from '../src/paths.js';
import { createReporter } from '../src/reporter.js';
import { runCommand } from '../src/run-command.js';

const config = testConnections();
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

/** `ps` shows every process's command line to every user: no secret of .stack/credentials.json may be on one. */
describeForStack(['local'], 'no secret on a command line (real stack processes)', "it reads the local stack's processes", () => {
  const creds = readStackCredentials(process.env, repoRoot)!;
  const secrets = [creds.pg.password, creds.cassandra.password, creds.kafka.password, creds.airflow.jwtSecret, creds.airflow.secretKey, ...(creds.registry ? [creds.registry.password] : []), ...(creds.monitor ? [creds.monitor.token] : [])];
  const stack = loadStackConfig(process.env, repoRoot);
  const ctx = { config: stack, paths: stackPaths(stack), reporter: createReporter(process.stderr, true) };
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  // Started by `stack up`: a server started before this change (the registry took its password as
  // -D...) shows it until it is restarted.
  it("the running servers' command lines hold no secret", () => {
    const running = stackStatus().filter((c) => c.pid);
    expect(running.length).toBeGreaterThan(0);
    const leaks = running.filter((c) => secrets.some((s) => cmdline(c.pid!).includes(s))).map((c) => c.name);
    expect(leaks).toEqual([]);
  });

  it('a schema registry started from its launch spec (own database, free ports) takes its PostgreSQL password and its login from env, and serves only with the login', async () => {
    const db = uniqueName('guard_registry');
    const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
    await admin.query(`CREATE DATABASE ${db}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
    });
    const [port, management] = [await freePort(), await freePort()];
    const own = loadStackConfig({ ...process.env, SCHEMA_REGISTRY_PORT: String(port), SCHEMA_REGISTRY_MANAGEMENT_PORT: String(management) }, repoRoot);
    const spec = schemaRegistry.launch({ ...ctx, config: own });
    const args = spec.args.map((a) => (a.startsWith('-Dapicurio.datasource.url=') ? a.replace(/\/registry$/, `/${db}`) : a));
    const child: ChildProcess = spawn(spec.command, args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: 'ignore' });
    cleanups.push(async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    });
    expect(cmdline(child.pid!)).toContain('quarkus-run.jar');
    expect(cmdline(child.pid!)).not.toContain(creds.pg.password);
    expect(cmdline(child.pid!)).not.toContain(creds.registry!.password);
    const subjects = `http://${own.host}:${port}/apis/ccompat/v7/subjects`;
    const login = registryHeaders(own.connections.registry);
    await waitFor(async () => (await fetch(subjects, { headers: login }).catch(() => undefined))?.status === 200, {
      timeoutMs: 120_000,
      intervalMs: 1000,
      what: 'the own registry answering (it reached its database with the env password)',
    });
    expect(await (await fetch(subjects, { headers: login })).json()).toEqual([]);
    // Its login: refused without one and with a wrong password (401).
    expect((await fetch(subjects)).status).toBe(401);
    const wrong = registryHeaders({ ...own.connections.registry, auth: { username: 'streamline', password: 'not-the-password' } });
    expect((await fetch(subjects, { headers: wrong })).status).toBe(401);
    // It made its tables in its database: it logged in with the password it got by env.
    const tables = createPgPool({ ...config.pg, database: db }, { max: 1 });
    try {
      expect(Number((await tables.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`)).rows[0].n)).toBeGreaterThan(0);
    } finally {
      await tables.end();
    }
  }, 180_000);

  it("Kafka's SCRAM login set through the java argument file: a new test user logs in on the SASL listener; its password was on no command line", async () => {
    const user = { username: uniqueName('guard_scram'), password: `pw-${uniqueName('x')}-0123456789` };
    const dir = mkdtempSync(join(tmpdir(), 'stack-scram-it-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { launch, argFile, argFileText } = scramUserLaunch(ctx, user, 'SCRAM-SHA-512', dir);
    writeFileSync(argFile, argFileText, { mode: 0o600 });
    expect([launch.command, ...launch.args].join(' ')).not.toContain(user.password);
    await runCommand(launch.command, launch.args);
    const sasl = (password: string) =>
      createKafka({ ...config.kafka, brokers: [`127.0.0.1:${stack.ports.kafkaSasl}`], retry: { retries: 0, initialRetryTimeMs: 100, maxRetryTimeMs: 100 }, sasl: { mechanism: 'scram-sha-512', username: user.username, password } });
    cleanups.push(async () => {
      // The same launcher, its argument file removing the test user.
      const drop = scramUserLaunch(ctx, user, 'delete', dir);
      const args = ['kafka.admin.ConfigCommand', '--bootstrap-server', `${stack.host}:${stack.ports.kafka}`, '--alter', '--entity-type', 'users', '--entity-name', user.username, '--delete-config', 'SCRAM-SHA-512'];
      writeFileSync(drop.argFile, javaArgFileText(args), { mode: 0o600 });
      await runCommand(drop.launch.command, drop.launch.args);
    });
    await expect(connectAdmin(sasl('not-the-password'))).rejects.toThrow(/SASL|Authentication/i);
    const admin = await connectAdmin(sasl(user.password));
    expect((await admin.describeCluster()).brokers.length).toBe(1);
    await admin.disconnect();
  }, 120_000);
});
