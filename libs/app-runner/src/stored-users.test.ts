import { describe, expect, it } from 'vitest';
import type { CassandraClient } from '@streamline/clients';
import { storedRows } from './stored-users.js';

/** A fake client answering `id IN ?` with a row for every id but those in `missing`. */
function fakeClient(missing: Set<string>) {
  const queries: number[] = [];
  const client = {
    execute: async (_query: string, [ids]: [string[]]) => {
      queries.push(ids.length);
      const rows = ids.filter((id) => !missing.has(id)).map((id) => ({ get: (col: string) => (col === 'id' ? id : new Date(({ stored_at: 1500, published_at: 1040 } as Record<string, number>)[col] ?? 1000)) }));
      return { rows };
    },
  };
  return { client: client as unknown as CassandraClient, queries };
}

describe('storedRows', () => {
  it('checks a long-run-sized id list (300,000) in IN lists of 100 without overflowing the stack, reporting each group', async () => {
    const ids = Array.from({ length: 300_000 }, (_, i) => `u${i}`);
    const { client, queries } = fakeClient(new Set(['u7', 'u299999']));
    let reported = 0;
    const rows = await storedRows(client, ids, 'ks.t', (group) => (reported += group.length));
    expect(rows).toHaveLength(299_998);
    expect(reported).toBe(299_998);
    expect(queries).toHaveLength(3000);
    expect(Math.max(...queries)).toBe(100);
    expect(rows[0]).toEqual({ id: 'u0', latencyMs: 500, publishMs: 40 });
    expect(rows.some((r) => r.id === 'u7')).toBe(false);
  });
});
