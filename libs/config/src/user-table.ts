import { z } from 'zod';
import { CASSANDRA } from './names.js';
import { type Env, readVar } from './env-reader.js';

/** A CQL identifier, checked because keyspace and table names are written into statements. */
export const cqlIdentifier = (fallback: string) =>
  z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/, 'expected a CQL identifier (letter, then letters, digits or _; at most 48)')
    .default(fallback);

/** Where the users are stored (the writer writes there, the query app reads): CASSANDRA_KEYSPACE, CASSANDRA_TABLE. */
export function loadUserTable(env: Env): { keyspace: string; table: string } {
  return Object.freeze({
    keyspace: readVar(env, 'CASSANDRA_KEYSPACE', cqlIdentifier(CASSANDRA.keyspace)),
    table: readVar(env, 'CASSANDRA_TABLE', cqlIdentifier(CASSANDRA.table)),
  });
}
