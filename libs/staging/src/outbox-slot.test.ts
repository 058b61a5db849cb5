import { describe, expect, it } from 'vitest';
import type { PgPool } from '@streamline/clients/pg';
import { dropOutboxSlot, ensureOutboxSlot, OutboxSlotError } from './outbox-slot.js';

/** Answers each statement by the first pattern it matches (the SQL itself runs on the real server in the relay's wal.int test). */
function fakePool(answers: Array<[RegExp, unknown[]]>) {
  const statements: string[] = [];
  const pool = {
    async query(sql: string) {
      statements.push(sql.replace(/\s+/g, ' ').trim());
      const hit = answers.find(([pattern]) => pattern.test(sql));
      return { rows: hit ? hit[1] : [], rowCount: hit ? hit[1].length : 0 };
    },
  } as unknown as PgPool;
  return { pool, statements };
}

describe('ensureOutboxSlot', () => {
  it('fails in one line naming the setting when wal_level is not logical, before making anything', async () => {
    const db = fakePool([[/SHOW wal_level/, [{ wal_level: 'replica' }]]]);
    const attempt = ensureOutboxSlot(db.pool, { slot: 'streamline_relay', publication: 'streamline_outbox' });
    await expect(attempt).rejects.toThrow(OutboxSlotError);
    await expect(attempt).rejects.toThrow(
      'PostgreSQL has wal_level=replica; RELAY_SOURCE=wal needs wal_level=logical (set it in postgresql.conf and restart the server), or use RELAY_SOURCE=poll',
    );
    expect(db.statements).toEqual(['SHOW wal_level']);
  });

  it('makes an insert-only publication of the outbox and the slot, and owes the new slot a catch-up', async () => {
    const db = fakePool([[/SHOW wal_level/, [{ wal_level: 'logical' }]]]);
    expect(await ensureOutboxSlot(db.pool, { slot: 's1', publication: 'p1' })).toEqual({ created: true });
    expect(db.statements).toContain("CREATE PUBLICATION p1 FOR TABLE outbox WITH (publish = 'insert')");
    expect(db.statements.some((s) => s.startsWith("SELECT pg_create_logical_replication_slot($1, 'pgoutput')"))).toBe(true);
    expect(db.statements.some((s) => s.includes('ON CONFLICT (slot) DO UPDATE SET caught_up = false'))).toBe(true);
  });

  it('refuses a slot of that name made for another database or plugin, and names that are no identifiers', async () => {
    const db = fakePool([
      [/SHOW wal_level/, [{ wal_level: 'logical' }]],
      [/FROM pg_publication/, [{}]],
      [/FROM pg_replication_slots/, [{ plugin: 'test_decoding', database: 'other', here: 'streamline' }]],
    ]);
    await expect(ensureOutboxSlot(db.pool, { slot: 's1', publication: 'p1' })).rejects.toThrow(
      'replication slot s1 exists for database other with plugin test_decoding, not for streamline with pgoutput: set RELAY_SLOT to another name, or drop it',
    );
    await expect(ensureOutboxSlot(db.pool, { slot: 's1; DROP TABLE outbox', publication: 'p1' })).rejects.toThrow(/^bad slot or publication name/);
  });
});

describe('dropOutboxSlot', () => {
  it('drops an idle slot, says false for none, and refuses one a relay streams from', async () => {
    expect(await dropOutboxSlot(fakePool([[/active_pid/, [{ active_pid: null }]]]).pool, 's1')).toBe(true);
    expect(await dropOutboxSlot(fakePool([]).pool, 's1')).toBe(false);
    await expect(dropOutboxSlot(fakePool([[/active_pid/, [{ active_pid: 4242 }]]]).pool, 's1')).rejects.toThrow('replication slot s1 is in use by process 4242: stop its relay first');
  });
});
