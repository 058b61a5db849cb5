export * from './created-users.js';
