import { type Env, loadConnectionConfig, loadUserTable } from '@streamline/config';

export interface UserQueryConfig {
  cassandra: ReturnType<typeof loadConnectionConfig>['cassandra'];
  /** The table the writer fills: CASSANDRA_KEYSPACE, CASSANDRA_TABLE. */
  keyspace: string;
  table: string;
}

export function loadUserQueryConfig(env: Env = process.env): UserQueryConfig {
  return Object.freeze({ cassandra: loadConnectionConfig(env).cassandra, ...loadUserTable(env) });
}
