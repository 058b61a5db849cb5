import { afterAll, describe, expect, it } from 'vitest';
import { cassandra, createCassandraClient } from '@streamline/clients';
import { testConnections, uniqueName } from '@streamline/testing';

describe('Cassandra (real node)', () => {
  const client = createCassandraClient(testConnections().cassandra);
  const keyspace = uniqueName('it_ks');

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('writes rows with prepared statements and reads them back; an upsert by key keeps one row', async () => {
    await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.users (id uuid PRIMARY KEY, first_name text, dob date)`);
    const id = cassandra.types.Uuid.fromString('7a0eed16-9430-4d68-901f-c0d4c1c3bf00');
    const insert = `INSERT INTO ${keyspace}.users (id, first_name, dob) VALUES (?, ?, ?)`;
    await client.execute(insert, [id, 'Jennie', cassandra.types.LocalDate.fromString('1992-03-08')]);
    await client.execute(insert, [id, 'Jennie', cassandra.types.LocalDate.fromString('1992-03-08')]);

    const rs = await client.execute(`SELECT id, first_name, dob FROM ${keyspace}.users`);
    expect(rs.rowLength).toBe(1);
    const row = rs.first();
    expect(row.get('id').toString()).toBe('7a0eed16-9430-4d68-901f-c0d4c1c3bf00');
    expect(row.get('first_name')).toBe('Jennie');
    expect(row.get('dob').toString()).toBe('1992-03-08');
  });
});
