export * from './topics.js';
export * from './subjects.js';
export * from './require.js';
export * from './provision.js';
