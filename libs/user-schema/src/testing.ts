/** Test data for other projects' tests (import from '@streamline/user-schema/testing'). */
export * from './fixtures/api-users.js';
export * from './fixtures/processed-users.js';
export * from './fixtures/hostile-json.js';
