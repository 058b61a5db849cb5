import { cassandra, type CassandraClient } from '@streamline/clients';
import { terminalSafe } from '@streamline/runtime';
import { dayOf, daysToIsoDate, daysToLocalDate, fromRow, selectUsersCql, type StoredUser } from '@streamline/user-table';

export async function findUserById(client: CassandraClient, keyspace: string, table: string, id: string): Promise<StoredUser | undefined> {
  const rs = await client.execute(`${selectUsersCql(keyspace, table)} WHERE id = ?`, [cassandra.types.Uuid.fromString(id)], { prepare: true });
  const row = rs.first();
  return row ? fromRow(row) : undefined;
}

/** Keeps the `n` users with the latest stored_at, newest first (n is small; insertion into a sorted array). */
export function keepLatest(users: Iterable<StoredUser>, n: number): StoredUser[] {
  const top: StoredUser[] = [];
  for (const user of users) {
    if (top.length === n && user.stored_at <= top[n - 1]!.stored_at) continue;
    let i = top.findIndex((u) => user.stored_at > u.stored_at);
    if (i === -1) i = top.length;
    top.splice(i, 0, user);
    if (top.length > n) top.pop();
  }
  return top;
}

/** Ids of the newest write rounds (`<table>_rounds`, one partition per day), newest first, until `n` distinct ones. */
export async function latestRoundIds(client: CassandraClient, keyspace: string, table: string, n: number, now = Date.now(), days = 7): Promise<string[]> {
  const ids = new Set<string>();
  const today = dayOf(now);
  for (let day = today; day > today - days && ids.size < n; day--) {
    const rs = await client.execute(`SELECT ids FROM ${keyspace}.${table}_rounds WHERE day = ?`, [daysToLocalDate(day)], { prepare: true, fetchSize: 200 });
    for await (const row of rs) {
      for (const id of (row.get('ids') as cassandra.types.Uuid[] | null) ?? []) ids.add(id.toString());
      if (ids.size >= n) break;
    }
  }
  return [...ids];
}

/**
 * The latest `n` stored users. `id` is the partition key, so the users table has no order by time:
 * the writer lists each round's ids in `<table>_rounds` (by day, newest first), and this reads the
 * newest rounds, then those users. When the rounds hold fewer than `n` (rows older than their 7-day
 * TTL, or stored before that table existed) it falls back to scanning at most `scanLimit` users in
 * token order and sorting by stored_at on the client: exact up to `scanLimit` rows.
 */
export async function latestUsers(
  client: CassandraClient,
  keyspace: string,
  table: string,
  n: number,
  scanLimit = 10_000,
): Promise<{ users: StoredUser[]; scanned: number; complete: boolean; fromRounds: boolean }> {
  // No rounds table yet (a keyspace no writer has migrated to 002): the scan below answers; a
  // Cassandra that cannot be reached fails there too.
  const ids = await latestRoundIds(client, keyspace, table, n).catch(() => []);
  if (ids.length >= n) {
    const found: StoredUser[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const rs = await client.execute(`${selectUsersCql(keyspace, table)} WHERE id IN ?`, [ids.slice(i, i + 100).map((id) => cassandra.types.Uuid.fromString(id))], { prepare: true });
      found.push(...rs.rows.map(fromRow));
    }
    return { users: keepLatest(found, n), scanned: found.length, complete: true, fromRounds: true };
  }
  let scanned = 0;
  const rows: StoredUser[] = [];
  let top: StoredUser[] = [];
  const rs = await client.execute(`${selectUsersCql(keyspace, table)} LIMIT ?`, [scanLimit + 1], { prepare: true, fetchSize: 1000 });
  for await (const row of rs) {
    if (scanned === scanLimit) return { users: keepLatest([...top, ...rows], n), scanned, complete: false, fromRounds: false };
    scanned++;
    rows.push(fromRow(row));
    if (rows.length >= 1000) top = keepLatest([...top, ...rows.splice(0)], n);
  }
  return { users: keepLatest([...top, ...rows], n), scanned, complete: true, fromRounds: false };
}

/** A stored user with readable dates (what `query --json` prints). */
export function toDisplay(user: StoredUser): Record<string, string | number> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    ...user,
    dob: daysToIsoDate(user.dob),
    registered_date: iso(user.registered_date),
    staged_at: iso(user.staged_at),
    // 0: stored before the Spark job carried the broker's time.
    published_at: user.published_at ? iso(user.published_at) : '',
    processed_at: iso(user.processed_at),
    stored_at: iso(user.stored_at),
    latency_ms: user.stored_at - user.staged_at,
  };
}

export const TABLE_COLUMNS = ['id', 'first_name', 'last_name', 'email', 'nationality', 'age', 'dob', 'stored_at', 'latency_ms'] as const;

/** A plain text table: a header, a rule, one line per row; columns padded to their widest cell. Control characters in the data are shown escaped. */
export function formatTable(rows: ReadonlyArray<Record<string, string | number>>, columns: readonly string[] = TABLE_COLUMNS): string {
  const cells = rows.map((r) => columns.map((c) => terminalSafe(String(r[c] ?? ''))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line([...columns]), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
