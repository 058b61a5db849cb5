// Every client. What needs PostgreSQL only imports '@streamline/clients/pg' (pg.ts) instead.
export * from './cassandra.js';
export * from './kafka.js';
export * from './acked-send.js';
export * from './pg.js';
export * from './schema-registry.js';
export * from './consumer-lag.js';
export * from './errors.js';
export * from './cassandra-login.js';
