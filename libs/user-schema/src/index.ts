export type { UserCreated, IoStreamlineUsers as UsersCreatedTypes } from './generated/users_created.js';
export type { UserProcessed } from './generated/users_processed.js';
export * from './api-user.js';
export * from './invalid-record-error.js';
export * from './map-api-user.js';
export * from './schemas.js';
export * from './record-fields.js';
export * from './size-policy.js';
