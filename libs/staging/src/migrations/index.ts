import { sql as m001 } from './001-users-raw-and-outbox.js';
import { sql as m002 } from './002-users-raw-without-record.js';
import { sql as m003 } from './003-users-refetched.js';
import { sql as m004 } from './004-outbox-id-not-indexed.js';
import { sql as m005 } from './005-outbox-aggregate-is-the-domain.js';
import { sql as m006 } from './006-outbox-dead-letters-and-retention.js';
import { sql as m007 } from './007-lookup-indexes.js';
import { sql as m008 } from './008-outbox-wal-positions.js';

/**
 * The staging migrations in order. They live in TypeScript (not .sql files read at run time) so
 * the bundled apps carry them. Append new ones; never edit an applied one.
 */
export const stagingMigrations: ReadonlyArray<{ name: string; sql: string }> = [
  { name: '001_users_raw_and_outbox.sql', sql: m001 },
  { name: '002_users_raw_without_record.sql', sql: m002 },
  { name: '003_users_refetched.sql', sql: m003 },
  { name: '004_outbox_id_not_indexed.sql', sql: m004 },
  { name: '005_outbox_aggregate_is_the_domain.sql', sql: m005 },
  { name: '006_outbox_dead_letters_and_retention.sql', sql: m006 },
  { name: '007_lookup_indexes.sql', sql: m007 },
  { name: '008_outbox_wal_positions.sql', sql: m008 },
];
