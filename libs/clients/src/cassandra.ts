import cassandra from 'cassandra-driver';
import type { ConnectionConfig } from '@streamline/config';

export type CassandraClient = cassandra.Client;

export function createCassandraClient(
  config: ConnectionConfig['cassandra'],
  options: { keyspace?: string; requestTimeoutMs?: number } = {},
): CassandraClient {
  return new cassandra.Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    protocolOptions: { port: config.port },
    ...(config.auth ? { authProvider: new cassandra.auth.PlainTextAuthProvider(config.auth.username, config.auth.password) } : {}),
    ...(options.keyspace ? { keyspace: options.keyspace } : {}),
    socketOptions: { connectTimeout: 5_000, readTimeout: options.requestTimeoutMs ?? 12_000 },
    policies: { reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(config.reconnect.baseDelayMs, config.reconnect.maxDelayMs, false) },
    // Writes are idempotent upserts by primary key, so the driver may retry them safely.
    queryOptions: { prepare: true, isIdempotent: true, consistency: cassandra.types.consistencies[config.consistency] },
  });
}

export { cassandra };
