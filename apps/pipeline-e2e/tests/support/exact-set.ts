import { expect } from 'vitest';
import type { CassandraClient, PgPool } from '@streamline/clients';
import { allStagedIds, readStagingCounts } from '@streamline/staging';
import { waitFor } from '@streamline/testing';

export interface ExactSetCheck {
  pool: PgPool;
  cassandra: CassandraClient;
  /** keyspace.table of the stored users. */
  table: string;
  /** Said in each failure: after which step. */
  what: string;
  /** How long the stored count may take to reach the staged set. */
  countTimeoutMs: number;
  /** How long a read may keep timing out (a node warming up after a restart on a busy machine). */
  readTimeoutMs?: number;
  /** Runs once the count has reached the staged set, before the read-back. */
  beforeReadBack?: () => Promise<void>;
  /** What the suite can say of the hops between (e.g. each topic's messages), added to a timeout's message. */
  describeHops?: () => Promise<string>;
}

/**
 * Where the users are when the stored count does not reach the staged set: the outbox's
 * unpublished rows, what the suite says of its topics, and the stored count. A failure then names
 * the hop that kept (or lost) them.
 */
async function whereTheUsersAre(check: ExactSetCheck, staged: number): Promise<string> {
  const parts: string[] = [`${staged} staged`];
  await readStagingCounts(check.pool)
    .then((c) => parts.push(`${c.unpublished} unpublished in the outbox`, `${c.outboxDeadLetters ?? 0} set aside`))
    .catch((error: unknown) => parts.push(`outbox unread (${String(error)})`));
  if (check.describeHops) parts.push(await check.describeHops().catch((error: unknown) => `topics unread (${String(error)})`));
  await storedCount(check.cassandra, check.table)
    .then((n) => parts.push(`${n} stored`))
    .catch((error: unknown) => parts.push(`stored count unread (${String(error)})`));
  return parts.join('; ');
}

/** Every id in the table, paged through (a result's `.rows` is its first page only). */
async function storedIds(cassandra: CassandraClient, table: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const row of await cassandra.execute(`SELECT id FROM ${table}`, [], { fetchSize: 5000 })) ids.add(String(row.get('id')));
  return ids;
}

async function storedCount(cassandra: CassandraClient, table: string): Promise<number> {
  return Number((await cassandra.execute(`SELECT count(*) FROM ${table}`)).first().get('count'));
}

/**
 * Exactly the staged users in Cassandra: every staged id stored, and no row that was not staged
 * (the store is keyed by id, so a duplicate would show as an extra row). A read that fails (a
 * timeout, a node away) is asked again until `readTimeoutMs`; only an answer counts.
 */
export async function expectExactlyTheStagedSet(check: ExactSetCheck): Promise<void> {
  const { pool, cassandra, table, what } = check;
  const staged = new Set(await allStagedIds(pool));
  try {
    await waitFor(async () => (await storedCount(cassandra, table)) >= staged.size, {
      timeoutMs: check.countTimeoutMs,
      intervalMs: 1_000,
      what: `${staged.size} users in Cassandra ${what}`,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message} (${await whereTheUsersAre(check, staged.size)})`, { cause: error });
  }
  await check.beforeReadBack?.();
  const stored = await waitFor(() => storedIds(cassandra, table), { timeoutMs: check.readTimeoutMs ?? 60_000, intervalMs: 2_000, what: `the stored ids read back ${what}` });
  expect([...staged].filter((id) => !stored.has(id)), `staged users missing from Cassandra ${what}`).toEqual([]);
  expect([...stored].filter((id) => !staged.has(id)), `rows in Cassandra that were never staged ${what}`).toEqual([]);
}
