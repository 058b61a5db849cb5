export * from './cassandra.js';
export * from './kafka.js';
export * from './pg.js';
export * from './schema-registry.js';
export * from './consumer-lag.js';
export * from './errors.js';
