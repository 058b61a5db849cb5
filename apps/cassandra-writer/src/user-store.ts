import { cassandra, type CassandraClient } from '@streamline/clients';
import { StreamlineError, describeError } from '@streamline/runtime';
import type { UserProcessed } from '@streamline/user-schema';
import { dayOf, daysToLocalDate, insertRoundCql, insertUserCql, toInsertParams } from './user-row.js';

export interface UserStore {
  /** Upserts every user with `stored_at = storedAt`; resolves only when Cassandra acknowledged all of them. */
  write(users: readonly UserProcessed[], storedAt: Date): Promise<void>;
}

/** A write Cassandra did not acknowledge; retriable because every write is an idempotent upsert. */
export class CassandraWriteError extends StreamlineError {
  constructor(count: number, cause: unknown) {
    super(`cassandra did not acknowledge ${count} writes: ${describeError(cause)}`, { retriable: true, cause });
  }
}

/**
 * Prepared INSERTs run by the driver's `executeConcurrent` with at most `concurrency` in flight:
 * no per-record await in sequence, and no unbounded fan-out. Once they are acknowledged, one row in
 * `<table>_rounds` lists the round's ids (what `query --latest` reads).
 */
export function createUserStore(client: CassandraClient, options: { keyspace: string; table: string; concurrency: number }): UserStore {
  const query = insertUserCql(options.keyspace, options.table);
  const roundQuery = insertRoundCql(options.keyspace, options.table);
  return {
    async write(users, storedAt) {
      if (users.length === 0) return;
      const params = users.map((u) => toInsertParams(u, storedAt));
      try {
        await cassandra.concurrent.executeConcurrent(client, query, params, {
          concurrencyLevel: Math.min(options.concurrency, params.length),
          raiseOnFirstError: true,
          collectResults: false,
        });
        const day = daysToLocalDate(dayOf(storedAt.getTime()));
        await client.execute(roundQuery, [day, storedAt, cassandra.types.TimeUuid.fromDate(storedAt), users.map((u) => cassandra.types.Uuid.fromString(u.id))], { prepare: true });
      } catch (error) {
        throw new CassandraWriteError(users.length, error);
      }
    },
  };
}
