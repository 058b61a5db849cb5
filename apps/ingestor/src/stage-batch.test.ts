import { describe, expect, it } from 'vitest';
import { silentLogger } from '@streamline/runtime';
import type { PgPool } from '@streamline/clients';
import { StagingError } from './errors.js';
import { createBatchStager, isTransientPgError } from './stage-batch.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isTransientPgError', () => {
  it('retries connection problems, serialization failures and shutdowns', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '08006', '08001', '40001', '40P01', '53300', '57P01']) {
      expect(isTransientPgError(withCode(code)), code).toBe(true);
    }
    expect(isTransientPgError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not retry errors that would fail again', () => {
    for (const code of ['23505', '42601', '22P02', '42P01']) expect(isTransientPgError(withCode(code)), code).toBe(false);
    expect(isTransientPgError(new Error('something else'))).toBe(false);
    expect(isTransientPgError('text')).toBe(false);
  });
});

describe('createBatchStager', () => {
  const pool = {} as PgPool;
  const fast = { retries: 3, minDelayMs: 1, maxDelayMs: 2, log: silentLogger() };

  it('retries a transient failure and returns the result', async () => {
    let calls = 0;
    const stage = createBatchStager(pool, {
      ...fast,
      stage: async (_pool, batch) => {
        if (++calls < 3) throw withCode('57P01', 'terminating connection due to administrator command');
        return { staged: batch.length, duplicates: 0 };
      },
    });
    await expect(stage([{ raw: {}, record: {} as never }])).resolves.toEqual({ staged: 1, duplicates: 0 });
    expect(calls).toBe(3);
  });

  it('fails at once on a permanent error, naming the batch and the cause', async () => {
    let calls = 0;
    const stage = createBatchStager(pool, {
      ...fast,
      stage: async () => {
        calls++;
        throw withCode('22P02', 'invalid input syntax for type uuid: "x"');
      },
    });
    const error = await stage([{ raw: {}, record: {} as never }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StagingError);
    expect((error as Error).message).toBe('staging a batch of 1 users failed');
    expect(((error as Error).cause as Error).message).toMatch(/invalid input syntax/);
    expect(calls).toBe(1);
  });
});
