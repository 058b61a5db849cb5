import type { PgPool } from '@streamline/clients/pg';
import { isTransientDependencyError, type DependencyRetry } from '@streamline/runtime';
import { type StageResult, type StagingItem, migrateStaging, stageUsers } from '@streamline/staging';
import { StagingError } from './errors.js';

/** A user to stage: its raw result, the mapped record, and the result's bytes where they can go as they came (result-bytes.ts). */
export type StageItem = StagingItem;

export type StageFn = (batch: StageItem[]) => Promise<StageResult>;

export interface BatchStagerOptions {
  /** Rides out a PostgreSQL outage (restart, failover); other failures throw at once. */
  retry: DependencyRetry;
  /** For tests; the real one is stageUsers. */
  stage?: typeof stageUsers;
}

/**
 * stageUsers, run again while PostgreSQL is away. A retry is safe: the batch is one
 * transaction (users + outbox) and a user already staged is skipped (ON CONFLICT DO NOTHING).
 */
export function createBatchStager(pool: PgPool, options: BatchStagerOptions): StageFn {
  const stage = options.stage ?? stageUsers;
  return async (batch) => {
    try {
      return await options.retry(`stage a batch of ${batch.length} users`, () => stage(pool, batch), 'postgres');
    } catch (error) {
      throw new StagingError(`staging a batch of ${batch.length} users failed`, { cause: error });
    }
  };
}

/** Applies the staging migrations; a PostgreSQL that cannot be reached fails here, in one line. */
export async function prepareStaging(pool: PgPool, where: { host: string; port: number; database: string }): Promise<void> {
  try {
    await migrateStaging(pool);
  } catch (error) {
    throw new StagingError(`PostgreSQL staging at ${where.host}:${where.port}/${where.database} is not usable`, { cause: error, retriable: isTransientDependencyError(error) });
  }
}
