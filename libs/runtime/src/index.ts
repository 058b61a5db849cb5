export * from './errors.js';
export * from './logger.js';
export * from './retry.js';
export * from './shutdown.js';
export * from './process-alive.js';
