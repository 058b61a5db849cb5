import type { PgPool } from '@streamline/clients';
import { type Logger, describeError, withRetry } from '@streamline/runtime';
import { type StageResult, migrateStaging, stageUsers } from '@streamline/staging';
import type { UserToStage } from '@streamline/user-schema';
import { StagingError } from './errors.js';

export interface StageItem {
  raw: unknown;
  record: UserToStage;
}

export type StageFn = (batch: StageItem[]) => Promise<StageResult>;

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Is a PostgreSQL error worth another try? Connection problems (SQLSTATE class 08, socket errors,
 * a dropped connection), serialization failures and deadlocks (40001, 40P01), too many connections
 * (53300) and a server shutting down (57P01-57P03). A constraint or syntax error is not.
 */
export function isTransientPgError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code)) return true;
    if (code.startsWith('08')) return true;
    return ['40001', '40P01', '53300', '57P01', '57P02', '57P03'].includes(code);
  }
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(error.message);
}

export interface BatchStagerOptions {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  log: Logger;
  signal?: AbortSignal;
  /** For tests; the real one is stageUsers. */
  stage?: typeof stageUsers;
}

/**
 * stageUsers with retries on transient PostgreSQL errors. A retry is safe: the batch is one
 * transaction (users + outbox) and a user already staged is skipped (ON CONFLICT DO NOTHING).
 */
export function createBatchStager(pool: PgPool, options: BatchStagerOptions): StageFn {
  const stage = options.stage ?? stageUsers;
  return async (batch) => {
    try {
      return await withRetry(
        async () => {
          try {
            return await stage(pool, batch);
          } catch (error) {
            throw new StagingError(`staging a batch of ${batch.length} users failed`, { retriable: isTransientPgError(error), cause: error });
          }
        },
        {
          retries: options.retries,
          minDelayMs: options.minDelayMs,
          maxDelayMs: options.maxDelayMs,
          ...(options.signal ? { signal: options.signal } : {}),
          onRetry: (error, attempt, delayMs) => options.log.warn({ attempt, delayMs, reason: describeError(error) }, 'retrying staging batch'),
        },
      );
    } catch (error) {
      if (error instanceof StagingError) throw error;
      throw new StagingError(`staging a batch of ${batch.length} users failed`, { cause: error });
    }
  };
}

/** Applies the staging migrations; a PostgreSQL that cannot be reached fails here, in one line. */
export async function prepareStaging(pool: PgPool, where: { host: string; port: number; database: string }): Promise<void> {
  try {
    await migrateStaging(pool);
  } catch (error) {
    throw new StagingError(`PostgreSQL staging at ${where.host}:${where.port}/${where.database} is not usable`, { cause: error });
  }
}
