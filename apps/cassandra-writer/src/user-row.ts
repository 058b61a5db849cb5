import { cassandra } from '@streamline/clients';
import type { UserProcessed } from '@streamline/user-schema';

const { LocalDate, Uuid } = cassandra.types;
const DATE_CENTER = 2 ** 31;

/** Columns of `created_users` in the order the INSERT binds them (see migrations/001). */
export const USER_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'gender',
  'address',
  'post_code',
  'email',
  'username',
  'dob',
  'age',
  'registered_date',
  'phone',
  'cell',
  'picture',
  'nationality',
  'staged_at',
  'processed_at',
  'stored_at',
] as const;

/** A row as stored: the users_processed record plus `stored_at` (epoch millis). */
export type StoredUser = UserProcessed & { stored_at: number };

/** The upsert: a plain INSERT is an upsert by primary key in Cassandra, so replays rewrite the same row. */
export function insertUserCql(keyspace: string, table: string): string {
  return `INSERT INTO ${keyspace}.${table} (${USER_COLUMNS.join(', ')}) VALUES (${USER_COLUMNS.map(() => '?').join(', ')})`;
}

export function selectUsersCql(keyspace: string, table: string): string {
  return `SELECT ${USER_COLUMNS.join(', ')} FROM ${keyspace}.${table}`;
}

/**
 * Bind parameters for one record, typed the way the driver expects: uuid as `Uuid`, the Avro date
 * (days since epoch) as `LocalDate`, timestamp-millis as `Date`.
 */
export function toInsertParams(user: UserProcessed, storedAt: Date): unknown[] {
  return [
    Uuid.fromString(user.id),
    user.first_name,
    user.last_name,
    user.gender,
    user.address,
    user.post_code,
    user.email,
    user.username,
    daysToLocalDate(user.dob),
    user.age,
    new Date(user.registered_date),
    user.phone,
    user.cell,
    user.picture,
    user.nationality,
    new Date(user.staged_at),
    new Date(user.processed_at),
    storedAt,
  ];
}

/** The inverse of `toInsertParams`: a row read back, with the record's own types (millis, days). */
export function fromRow(row: cassandra.types.Row): StoredUser {
  const millis = (name: string): number => (row.get(name) as Date | null)?.getTime() ?? 0;
  return {
    id: (row.get('id') as cassandra.types.Uuid).toString(),
    first_name: row.get('first_name') as string,
    last_name: row.get('last_name') as string,
    gender: row.get('gender') as string,
    address: row.get('address') as string,
    post_code: row.get('post_code') as string,
    email: row.get('email') as string,
    username: row.get('username') as string,
    dob: localDateToDays(row.get('dob') as cassandra.types.LocalDate),
    age: row.get('age') as number,
    registered_date: millis('registered_date'),
    phone: row.get('phone') as string,
    cell: row.get('cell') as string,
    picture: row.get('picture') as string,
    nationality: row.get('nationality') as string,
    staged_at: millis('staged_at'),
    processed_at: millis('processed_at'),
    stored_at: millis('stored_at'),
  };
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
