export * from './migrate.js';
export * from './outbox.js';
export * from './outbox-wakeup.js';
export * from './stage-users.js';
export * from './run-users.js';
export * from './staging-ready.js';
export * from './replay.js';
