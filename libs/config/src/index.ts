export * from './config-error.js';
export * from './connections.js';
export * from './env-reader.js';
export * from './names.js';
export * from './stack.js';
export * from './relay-config.js';
export * from './ingestor-config.js';
export * from './cassandra-writer-config.js';
