import { describe, expect, it } from 'vitest';
import { createDependencyRetry, createHealth, silentLogger } from '@streamline/runtime';
import type { PgPool } from '@streamline/clients/pg';
import { StagingError } from './errors.js';
import { createBatchStager } from './stage-batch.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const retry = createDependencyRetry({ log: silentLogger(), health: createHealth(), signal: new AbortController().signal, minDelayMs: 1, maxDelayMs: 2 });

describe('createBatchStager', () => {
  const pool = {} as PgPool;
  const fast = { retry };

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
