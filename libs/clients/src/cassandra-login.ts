import { randomBytes } from 'node:crypto';
import type { ConnectionConfig } from '@streamline/config';
import { createCassandraClient, type CassandraClient } from './cassandra.js';

type CassandraConnection = ConnectionConfig['cassandra'];

/** Cassandra's built-in first login, switched off once the stack's own superuser exists. */
export const CASSANDRA_DEFAULT_SUPERUSER = Object.freeze({ username: 'cassandra', password: 'cassandra' });

/** A refused login (wrong or missing credentials), as the driver reports it. */
export const isCassandraAuthError = (error: unknown) =>
  /AuthenticationError|Provided username .* incorrect|requires authentication/i.test(
    `${(error as Error)?.name} ${(error as Error)?.message} ${JSON.stringify((error as { innerErrors?: unknown }).innerErrors ?? '')}`,
  );

async function withClient<T>(conn: CassandraConnection, fn: (client: CassandraClient) => Promise<T>): Promise<T> {
  const client = createCassandraClient(conn);
  try {
    return await fn(client);
  } finally {
    await client.shutdown();
  }
}

/** The node's release_version: what answering CQL (with that login) looks like. */
export async function cassandraReleaseVersion(conn: CassandraConnection): Promise<string> {
  return withClient(conn, async (c) => String((await c.execute('SELECT release_version FROM system.local')).first()?.get('release_version')));
}

/**
 * Makes `conn.auth` a superuser login of the cluster (PasswordAuthenticator), created through the
 * default superuser on first use, which is then switched off (its password replaced by a random one,
 * no login). Returns whether the role was created; nothing happens when it already logs in.
 */
export async function ensureCassandraLogin(conn: CassandraConnection): Promise<boolean> {
  if (!conn.auth) throw new Error('no Cassandra credentials: set CASSANDRA_USERNAME and CASSANDRA_PASSWORD, or let npm run stack -- up generate them');
  const { username, password } = conn.auth;
  // Both end up in CQL text (roles take no bind markers): only these shapes may.
  if (!/^[A-Za-z0-9_-]+$/.test(password) || !/^[a-z][a-z0-9_]*$/.test(username)) throw new Error('the Cassandra credentials must be a lower-case name and a URL-safe base64 password');
  try {
    await cassandraReleaseVersion(conn);
    return false; // ours already logs in
  } catch (error) {
    if (!isCassandraAuthError(error)) throw error;
  }
  await withClient({ ...conn, auth: CASSANDRA_DEFAULT_SUPERUSER }, async (c) => {
    // Not prepared: Cassandra keeps prepared statements and logs their text when it re-prepares them.
    await c.execute(`CREATE ROLE IF NOT EXISTS ${username} WITH PASSWORD = '${password}' AND LOGIN = true AND SUPERUSER = true`, [], { prepare: false });
    await c.execute(`ALTER ROLE ${username} WITH PASSWORD = '${password}'`, [], { prepare: false });
  });
  const disabled = randomBytes(24).toString('base64url');
  await withClient(conn, (c) => c.execute(`ALTER ROLE cassandra WITH PASSWORD = '${disabled}' AND LOGIN = false AND SUPERUSER = false`, [], { prepare: false }));
  return true;
}
