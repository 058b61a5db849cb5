import pLimit from 'p-limit';
import { cassandra, type CassandraClient } from '@streamline/clients';
import { describeError, isTransientDependencyError } from '@streamline/runtime';
import { CassandraWriteError } from './errors.js';
import type { UserProcessed } from '@streamline/user-schema';
import { USER_COLUMNS, dayOf, daysToLocalDate, insertRoundCql, insertUserCql, toInsertParams } from '@streamline/user-table';
import { planWriteRequests } from './write-requests.js';

/** A user Cassandra refused to store even alone (an answer, not an outage: it would refuse it again). */
export interface RefusedUser {
  id: string;
  reason: string;
}

export interface UserStore {
  /**
   * Upserts every user with `stored_at = storedAt`; resolves once Cassandra acknowledged each of
   * them or refused it alone (those come back, with the reason, for the DLQ). An outage rejects.
   */
  write(users: readonly UserProcessed[], storedAt: Date): Promise<{ refused: RefusedUser[] }>;
}

/** Cassandra's answers that a request is too large for it: batch_size_fail_threshold, max_mutation_size, the 64 KiB key limit. */
const TOO_LARGE = /batch too large|too large|longer than maximum/i;

/**
 * Cassandra answered and refused the request for its size (`Batch too large`, a mutation over
 * max_mutation_size): the same request would be refused again, however often it is tried. Any other
 * answer (a table or column gone, say) is not the records' fault: it is retried, and if it lasts,
 * reported as a stall, never DLQ'd.
 */
export function isRefusal(error: unknown): boolean {
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === 'ResponseError' && !isTransientDependencyError(error) && typeof message === 'string' && TOO_LARGE.test(message);
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
      if (users.length === 0) return { refused: [] };
      const requests = planWriteRequests(users.map((u) => toInsertParams(u, storedAt)), options.rowsPerRequest, replicaOf);
      const limit = pLimit(options.concurrency);
      try {
        const refused = (await Promise.all(requests.map((rows) => limit(() => writeSplitting(write, rows, idAt))))).flat();
        const gone = new Set(refused.map((r) => r.id));
        const stored = users.filter((u) => !gone.has(u.id));
        const day = daysToLocalDate(dayOf(storedAt.getTime()));
        if (stored.length > 0) {
          await client.execute(roundQuery, [day, storedAt, cassandra.types.TimeUuid.fromDate(storedAt), stored.map((u) => cassandra.types.Uuid.fromString(u.id))], { prepare: true });
        }
        return { refused };
      } catch (error) {
        limit.clearQueue();
        throw new CassandraWriteError(users.length, error);
      }
    },
  };
}

/**
 * Writes one request's rows; a request Cassandra refuses is split in halves, each written the same
 * way, down to single rows, so one wide row costs only itself: the rows beside it are stored and it
 * comes back refused, with Cassandra's reason. An outage (or anything but a refusal) rejects.
 */
export async function writeSplitting(write: (rows: unknown[][]) => Promise<unknown>, rows: unknown[][], idAt: number): Promise<RefusedUser[]> {
  try {
    await write(rows);
    return [];
  } catch (error) {
    if (!isRefusal(error)) throw error;
    if (rows.length === 1) return [{ id: String(rows[0]![idAt]), reason: `cassandra refused the row: ${describeError(error)}` }];
    const half = Math.ceil(rows.length / 2);
    return [...(await writeSplitting(write, rows.slice(0, half), idAt)), ...(await writeSplitting(write, rows.slice(half), idAt))];
  }
}
