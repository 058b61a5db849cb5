// "Stored" without counting the users table: `SELECT count(*)` scans every row of
// created_users (seconds per million rows, on the same two cores as the pipeline). The writer
// records each round it stored in `<table>_rounds` (day, stored_at, round, ids; 7-day TTL) after
// Cassandra acknowledged the round's users, so the sum of its rounds' sizes is the users stored.
// Read once for the retained days, then only the last minutes at each tick.
import type { CassandraClient } from '@streamline/clients';
import { dayOf, daysToLocalDate } from '@streamline/user-table';

export interface StoredTally {
  /** Users stored so far (null: the rounds table does not exist yet). */
  read(): Promise<number | null>;
}

interface RoundRow {
  storedAt: number;
  round: string;
  users: number;
}

const ROUNDS_TTL_DAYS = 7;

/**
 * Counts the users of the rounds that are new since the last read. A round is inserted after its
 * writes were acknowledged, possibly a while after its `stored_at`: each read looks back `slackMs`
 * before the newest round seen and skips the rounds it counted already.
 *
 * What it counts: user writes acknowledged, per round. A round replayed after a crash (its offsets
 * not committed) counts again, and rounds older than the table's 7-day TTL are gone when the
 * monitor starts; on a pipeline that ran cleanly within the week it equals the table's row count.
 */
export function createStoredTally(client: Pick<CassandraClient, 'execute'>, keyspace: string, table: string, options: { slackMs?: number; now?: () => number } = {}): StoredTally {
  const slackMs = options.slackMs ?? 120_000;
  const now = options.now ?? Date.now;
  const roundsTable = `${keyspace}.${table}_rounds`;
  let total: number | null = null;
  let newest = 0;
  const seen = new Map<string, number>();

  const query = async (day: number, from: number | null): Promise<RoundRow[]> => {
    const cql =
      from === null
        ? `SELECT stored_at, round, collection_count(ids) AS users FROM ${roundsTable} WHERE day = ?`
        : `SELECT stored_at, round, collection_count(ids) AS users FROM ${roundsTable} WHERE day = ? AND stored_at >= ?`;
    const params = from === null ? [daysToLocalDate(day)] : [daysToLocalDate(day), new Date(from)];
    const rows: RoundRow[] = [];
    // Paged: a day of a busy pipeline holds thousands of rounds.
    let pageState: string | undefined;
    do {
      const rs = await client.execute(cql, params, { prepare: true, fetchSize: 5000, ...(pageState ? { pageState } : {}) });
      for (const row of rs.rows) rows.push({ storedAt: (row.get('stored_at') as Date).getTime(), round: String(row.get('round')), users: Number(row.get('users') ?? 0) });
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return rows;
  };

  const add = (rows: RoundRow[]) => {
    for (const r of rows) {
      if (seen.has(r.round)) continue;
      seen.set(r.round, r.storedAt);
      total = (total ?? 0) + r.users;
      if (r.storedAt > newest) newest = r.storedAt;
    }
    for (const [round, at] of seen) if (at < newest - slackMs) seen.delete(round);
  };

  return {
    async read() {
      const today = dayOf(now());
      try {
        if (total === null) {
          const days = Array.from({ length: ROUNDS_TTL_DAYS + 1 }, (_, i) => today - ROUNDS_TTL_DAYS + i);
          const rows = (await Promise.all(days.map((d) => query(d, null)))).flat();
          total = 0;
          add(rows);
          return total;
        }
        const from = Math.max(0, newest - slackMs);
        const days = [...new Set([dayOf(from), today])].filter((d) => d <= today);
        add((await Promise.all(days.map((d) => query(d, newest === 0 ? null : from)))).flat());
        return total;
      } catch (error) {
        if (/unconfigured table|does not exist|Keyspace .* does not exist/i.test((error as Error).message)) return total;
        throw error;
      }
    },
  };
}
