import type { PoolClient } from 'pg';
import type { PgPool } from '@streamline/clients/pg';

/**
 * Runs `fn` in one transaction on a client of the pool: COMMIT once it resolves, ROLLBACK (and its
 * error passed on) when it rejects; the client goes back to the pool either way.
 */
export async function inTransaction<T>(pool: PgPool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
