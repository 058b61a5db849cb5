import { afterAll, describe, expect, it } from 'vitest';
import { createPgPool } from '@streamline/clients';
import { testConnections, uniqueName } from '@streamline/testing';

describe('PostgreSQL (real server)', () => {
  const pool = createPgPool(testConnections().pg, { max: 2 });
  const table = uniqueName('it_users');

  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  });

  it('creates a table, upserts idempotently and reads the rows back', async () => {
    await pool.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, payload jsonb NOT NULL)`);
    const insert = `INSERT INTO ${table} (id, payload) SELECT * FROM unnest($1::uuid[], $2::jsonb[]) ON CONFLICT (id) DO NOTHING`;
    const ids = ['7a0eed16-9430-4d68-901f-c0d4c1c3bf00', 'b4c3f7a8-1e5e-4a6c-9c57-1f0e7b4c2d11'];
    const first = await pool.query(insert, [ids, ids.map((id) => JSON.stringify({ id }))]);
    const again = await pool.query(insert, [ids, ids.map((id) => JSON.stringify({ id }))]);
    expect(first.rowCount).toBe(2);
    expect(again.rowCount).toBe(0);
    const { rows } = await pool.query(`SELECT id, payload->>'id' AS echoed FROM ${table} ORDER BY id`);
    expect(rows).toEqual(ids.map((id) => ({ id, echoed: id })));
  });
});
