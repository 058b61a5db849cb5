import { afterAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '@streamline/clients';
import { silentLogger } from '@streamline/runtime';
import { testConnections, uniqueName } from '@streamline/testing';
import { keyspaceCql, loadMigrations, migrateCassandra, type MigrateOptions } from '../src/migrate.js';

describe('Cassandra migrations (real node)', () => {
  const connections = testConnections();
  // Separate clients (separate connection pools), like separate writer processes.
  const clients = [createCassandraClient(connections.cassandra), createCassandraClient(connections.cassandra), createCassandraClient(connections.cassandra)];
  const keyspaces: string[] = [];
  const options = (keyspace: string, owner: string): MigrateOptions => ({
    keyspace,
    table: 'created_users',
    replication: { strategy: 'SimpleStrategy', factor: 1 },
    localDataCenter: connections.cassandra.localDataCenter,
    staleClaimMs: 2_000,
    log: silentLogger(),
    owner,
  });
  const versions = loadMigrations().map((m) => m.name);

  afterAll(async () => {
    for (const ks of keyspaces) await clients[0]!.execute(`DROP KEYSPACE IF EXISTS ${ks}`, [], { prepare: false });
    await Promise.all(clients.map((c) => c.shutdown()));
  });

  it('three writers starting at once apply each migration exactly once', async () => {
    const ks = uniqueName('it_mig');
    keyspaces.push(ks);
    const results = await Promise.all(clients.map((c, i) => migrateCassandra(c, options(ks, `writer-${i}`))));
    expect(results.flat().sort()).toEqual(versions);
    const rows = (await clients[0]!.execute(`SELECT version, name, state, owner, applied_at FROM ${ks}.schema_migrations`, [], { prepare: false })).rows;
    expect(rows.map((r) => [r.get('name'), r.get('state')])).toEqual(versions.map((v) => [v, 'applied']));
    const columns = await clients[0]!.execute('SELECT column_name, kind, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [
      ks,
      'created_users',
    ]);
    const byName = Object.fromEntries(columns.rows.map((r) => [r.get('column_name'), `${r.get('kind')} ${r.get('type')}`]));
    expect(byName).toMatchObject({ id: 'partition_key uuid', dob: 'regular date', age: 'regular int', stored_at: 'regular timestamp', published_at: 'regular timestamp' });
    expect(Object.keys(byName)).toHaveLength(19);
    // Again: nothing left to do.
    expect(await migrateCassandra(clients[1]!, options(ks, 'writer-late'))).toEqual([]);
  });

  it('takes over a claim left by a writer that died mid-migration', async () => {
    const ks = uniqueName('it_mig_stale');
    keyspaces.push(ks);
    const c = clients[0]!;
    await c.execute(keyspaceCql(ks, { strategy: 'SimpleStrategy', factor: 1 }, 'datacenter1'), [], { prepare: false });
    await c.execute(
      `CREATE TABLE ${ks}.schema_migrations (version int PRIMARY KEY, name text, checksum text, state text, owner text, claimed_at timestamp, applied_at timestamp)`,
      [],
      { prepare: false },
    );
    await c.execute(`INSERT INTO ${ks}.schema_migrations (version, name, state, owner, claimed_at) VALUES (1, ?, 'applying', 'dead-writer', ?)`, [
      versions[0],
      new Date(Date.now() - 60_000),
    ], { prepare: true });
    expect(await migrateCassandra(c, options(ks, 'survivor'))).toEqual(versions);
    const row = (await c.execute(`SELECT state, owner FROM ${ks}.schema_migrations WHERE version = 1`, [], { prepare: false })).first();
    expect([row.get('state'), row.get('owner')]).toEqual(['applied', 'survivor']);
  });
});
