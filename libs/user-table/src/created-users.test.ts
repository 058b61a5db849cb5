import { describe, expect, it } from 'vitest';
import { cassandra } from '@streamline/clients';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { USER_COLUMNS, daysToIsoDate, daysToLocalDate, fromRow, insertUserCql, localDateToDays, toInsertParams } from './created-users.js';

const [user] = makeProcessedUsers(1, { seed: 7 });

describe('record -> CQL params', () => {
  it('binds every column in order with the driver types (Uuid, LocalDate, Date)', () => {
    const storedAt = new Date('2026-01-02T03:04:05.678Z');
    const params = toInsertParams({ ...user!, id: '7a0eed16-9430-4d68-901f-c0d4c1c3bf00', dob: 8102 }, storedAt);
    expect(params).toHaveLength(USER_COLUMNS.length);
    const byColumn = Object.fromEntries(USER_COLUMNS.map((c, i) => [c, params[i]]));
    expect(byColumn.id).toBeInstanceOf(cassandra.types.Uuid);
    expect(String(byColumn.id)).toBe('7a0eed16-9430-4d68-901f-c0d4c1c3bf00');
    expect(byColumn.dob).toBeInstanceOf(cassandra.types.LocalDate);
    expect(String(byColumn.dob)).toBe('1992-03-08');
    expect(byColumn.age).toBe(user!.age);
    for (const c of ['registered_date', 'staged_at', 'processed_at'] as const) {
      expect(byColumn[c]).toBeInstanceOf(Date);
      expect((byColumn[c] as Date).getTime()).toBe(user![c]);
    }
    expect(byColumn.stored_at).toBe(storedAt);
    for (const c of ['first_name', 'last_name', 'gender', 'address', 'post_code', 'email', 'username', 'phone', 'cell', 'picture', 'nationality'] as const) {
      expect(byColumn[c]).toBe(user![c]);
    }
  });

  it('builds one INSERT (an upsert by id) with a marker per column', () => {
    const cql = insertUserCql('ks', 'users');
    expect(cql).toMatch(/^INSERT INTO ks\.users \(id, first_name, .*, published_at, processed_at, stored_at\) VALUES \(\?(, \?){18}\)$/);
  });

  it('converts dates in days both ways, before and after 1970', () => {
    for (const days of [-25_567, -1, 0, 1, 8102, 20_000]) expect(localDateToDays(daysToLocalDate(days))).toBe(days);
    expect(daysToIsoDate(-1)).toBe('1969-12-31');
    expect(daysToIsoDate(0)).toBe('1970-01-01');
  });

  it('reads a row back into the record types', () => {
    const storedAt = new Date(user!.processed_at + 10);
    const params = toInsertParams(user!, storedAt);
    const values = Object.fromEntries(USER_COLUMNS.map((c, i) => [c, params[i]]));
    const row = { get: (name: string) => values[name] } as unknown as cassandra.types.Row;
    expect(fromRow(row)).toEqual({ ...user!, stored_at: storedAt.getTime() });
  });
});
