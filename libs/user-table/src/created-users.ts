// The CQL side of `spark_streams.created_users`: its columns, statements and the record <-> row
// mapping, shared by the writer (writes), the query app (reads), the bench and npm start's check.
import { cassandra } from '@streamline/clients';
import { type FieldKind, PROCESSED_FIELDS, type UserProcessed } from '@streamline/user-schema';

const { LocalDate, Uuid } = cassandra.types;
const DATE_CENTER = 2 ** 31;

/** Columns of `created_users` in the order the INSERT binds them (the writer's migrate.test.ts checks its migration 001 has them). */
export const USER_COLUMNS: readonly string[] = [...PROCESSED_FIELDS.map((f) => f.name), 'stored_at'];

/** A row as stored: the users_processed record plus `stored_at` (epoch millis). */
export type StoredUser = UserProcessed & { stored_at: number };

/** The upsert: a plain INSERT is an upsert by primary key in Cassandra, so replays rewrite the same row. */
export function insertUserCql(keyspace: string, table: string): string {
  return `INSERT INTO ${keyspace}.${table} (${USER_COLUMNS.join(', ')}) VALUES (${USER_COLUMNS.map(() => '?').join(', ')})`;
}

export function insertRoundCql(keyspace: string, table: string): string {
  return `INSERT INTO ${keyspace}.${table}_rounds (day, stored_at, round, ids) VALUES (?, ?, ?, ?)`;
}

export function selectUsersCql(keyspace: string, table: string): string {
  return `SELECT ${USER_COLUMNS.join(', ')} FROM ${keyspace}.${table}`;
}

/**
 * Bind parameters for one record, typed the way the driver expects: uuid as `Uuid`, the Avro date
 * (days since epoch) as `LocalDate`, timestamp-millis as `Date`.
 */
export function toInsertParams(user: UserProcessed, storedAt: Date): unknown[] {
  const toCql: Partial<Record<FieldKind, (v: never) => unknown>> = {
    uuid: (v: string) => Uuid.fromString(v),
    date: (v: number) => daysToLocalDate(v),
    'timestamp-millis': (v: number) => new Date(v),
  };
  return [...PROCESSED_FIELDS.map(({ name, kind }) => (toCql[kind] ?? ((v: unknown) => v))(user[name] as never)), storedAt];
}

/** The inverse of `toInsertParams`: a row read back, with the record's own types (millis, days). */
export function fromRow(row: cassandra.types.Row): StoredUser {
  const fromCql: Partial<Record<FieldKind, (v: never) => unknown>> = {
    uuid: (v: cassandra.types.Uuid) => v.toString(),
    date: (v: cassandra.types.LocalDate) => localDateToDays(v),
    'timestamp-millis': (v: Date | null) => v?.getTime() ?? 0,
  };
  const record = Object.fromEntries(PROCESSED_FIELDS.map(({ name, kind }) => [name, (fromCql[kind] ?? ((v: unknown) => v))(row.get(name) as never)]));
  return { ...(record as unknown as UserProcessed), stored_at: (row.get('stored_at') as Date | null)?.getTime() ?? 0 };
}

/** Days since epoch of an instant (UTC): the partition of `<table>_rounds`. */
export function dayOf(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

/** The Avro date (days since epoch) as a CQL date. */
export function daysToLocalDate(days: number): cassandra.types.LocalDate {
  return LocalDate.fromString(String(days));
}

/** A CQL date back to days since epoch (exact: read from its wire form, unsigned days centred on 2^31). */
export function localDateToDays(date: cassandra.types.LocalDate): number {
  return date.toBuffer().readUInt32BE(0) - DATE_CENTER;
}

/** Days since epoch -> 'YYYY-MM-DD' (what CQL prints for a date). */
export function daysToIsoDate(days: number): string {
  return daysToLocalDate(days).toString();
}
