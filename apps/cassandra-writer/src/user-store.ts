import pLimit from 'p-limit';
import { cassandra, type CassandraClient } from '@streamline/clients';
import { CassandraWriteError } from './errors.js';
import type { UserProcessed } from '@streamline/user-schema';
import { USER_COLUMNS, dayOf, daysToLocalDate, insertRoundCql, insertUserCql, toInsertParams } from '@streamline/user-table';
import { planWriteRequests } from './write-requests.js';

export interface UserStore {
  /** Upserts every user with `stored_at = storedAt`; resolves only when Cassandra acknowledged all of them. */
  write(users: readonly UserProcessed[], storedAt: Date): Promise<void>;
}

/**
 * Prepared INSERTs, `rowsPerRequest` to a request (an UNLOGGED batch of rows one replica owns), with
 * at most `concurrency` requests in flight: no per-record await in sequence, and no unbounded
 * fan-out. Once all are acknowledged, one row in `<table>_rounds` lists the round's ids (what
 * `query --latest` reads).
 */
export function createUserStore(
  client: CassandraClient,
  options: { keyspace: string; table: string; concurrency: number; rowsPerRequest: number },
): UserStore {
  const query = insertUserCql(options.keyspace, options.table);
  const roundQuery = insertRoundCql(options.keyspace, options.table);
  // The partition key is the id, a uuid: its 16 bytes are the routing key. Without ring metadata yet, one group.
  const idAt = USER_COLUMNS.indexOf('id');
  const replicaOf = (params: unknown[]) =>
    client.getReplicas(options.keyspace, (params[idAt] as cassandra.types.Uuid).getBuffer())?.[0]?.address ?? '';
  const write = (rows: unknown[][]) =>
    rows.length === 1
      ? client.execute(query, rows[0], { prepare: true })
      : client.batch(rows.map((params) => ({ query, params })), { prepare: true, logged: false });
  return {
    async write(users, storedAt) {
      if (users.length === 0) return;
      const requests = planWriteRequests(users.map((u) => toInsertParams(u, storedAt)), options.rowsPerRequest, replicaOf);
      const limit = pLimit(options.concurrency);
      try {
        await Promise.all(requests.map((rows) => limit(() => write(rows))));
        const day = daysToLocalDate(dayOf(storedAt.getTime()));
        await client.execute(roundQuery, [day, storedAt, cassandra.types.TimeUuid.fromDate(storedAt), users.map((u) => cassandra.types.Uuid.fromString(u.id))], { prepare: true });
      } catch (error) {
        limit.clearQueue();
        throw new CassandraWriteError(users.length, error);
      }
    },
  };
}
