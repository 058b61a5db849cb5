import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '@streamline/app-runner';
import { connectAdmin, createCassandraClient, createKafka, createPgPool } from '@streamline/clients';
import { readStackCredentials, stackCredentialsFile } from '@streamline/config';
import { describeForStack, testConnections } from '@streamline/testing';

const config = testConnections();

describeForStack(['local'], 'the local stack authenticates every client', "it checks the local stack's generated credentials", () => {
  const creds = readStackCredentials(process.env, repoRoot)!;

  it('keeps generated credentials in .stack/credentials.json, mode 600, out of git', () => {
    const file = stackCredentialsFile(process.env, repoRoot);
    expect(creds).toBeDefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const secret of [creds.pg.password, creds.cassandra.password, creds.kafka.password, creds.airflow.jwtSecret, creds.airflow.secretKey]) expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Ignored by git, so never committed.
    expect(execFileSync('git', ['check-ignore', file], { cwd: repoRoot, encoding: 'utf8' }).trim()).toBe(file);
  });

  it('PostgreSQL refuses a wrong password over TCP (SCRAM) and takes the generated one', async () => {
    const wrong = createPgPool({ ...config.pg, password: 'not-the-password' }, { database: 'postgres', max: 1 });
    await expect(wrong.query('SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    await wrong.end();
    const right = createPgPool(config.pg, { database: 'postgres', max: 1 });
    expect((await right.query('SELECT current_user AS u')).rows[0].u).toBe(config.pg.user);
    await right.end();
  });

  it('Cassandra (PasswordAuthenticator) refuses a wrong password, no login and the default cassandra/cassandra, and takes the generated one', async () => {
    const attempt = async (auth?: { username: string; password: string }) => {
      const { auth: _configured, ...rest } = config.cassandra;
      const client = createCassandraClient(auth ? { ...rest, auth } : rest);
      try {
        return String((await client.execute('SELECT release_version FROM system.local')).first().get('release_version'));
      } finally {
        await client.shutdown();
      }
    };
    await expect(attempt({ username: creds.cassandra.username, password: 'not-the-password' })).rejects.toThrow(/Provided username .* incorrect|Authentication/i);
    await expect(attempt({ username: 'cassandra', password: 'cassandra' })).rejects.toThrow(/Provided username .* incorrect|not permitted to log in|Authentication/i);
    await expect(attempt()).rejects.toThrow(/requires authentication|Authentication/i);
    expect(await attempt(config.cassandra.auth)).toMatch(/^5\.0\./);
  });

  it("Kafka's SASL listener (SCRAM-SHA-512 and -256) refuses a wrong password and takes the generated one", async () => {
    const sasl = (mechanism: 'scram-sha-512' | 'scram-sha-256', password: string) =>
      createKafka({ ...config.kafka, brokers: [`127.0.0.1:${process.env.KAFKA_SASL_PORT ?? 9094}`], retry: { retries: 0, initialRetryTimeMs: 100, maxRetryTimeMs: 100 }, sasl: { mechanism, username: creds.kafka.username, password } });
    await expect(connectAdmin(sasl('scram-sha-512', 'not-the-password'))).rejects.toThrow(/SASL|Authentication/i);
    for (const mechanism of ['scram-sha-512', 'scram-sha-256'] as const) {
      const admin = await connectAdmin(sasl(mechanism, creds.kafka.password));
      expect((await admin.describeCluster()).brokers.length).toBe(1);
      await admin.disconnect();
    }
  });

  it("Airflow's API refuses a wrong admin password and issues a token for the generated one", async () => {
    const passwords = JSON.parse(readFileSync(join(repoRoot, '.stack', 'data', 'airflow', 'simple_auth_manager_passwords.json.generated'), 'utf8')) as { admin: string };
    const token = (password: string) => fetch(`http://127.0.0.1:${process.env.AIRFLOW_PORT ?? 8080}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    expect((await token('not-the-password')).status).toBe(401);
    const ok = await token(passwords.admin);
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { access_token: string }).access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
