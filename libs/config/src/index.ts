export * from './config-error.js';
export * from './connections.js';
export * from './env-reader.js';
export * from './flags.js';
export * from './names.js';
export * from './stack-layout.js';
export * from './app-endpoint.js';
export * from './user-table.js';
