export * from './stack-mode.js';
export * from './test-connections.js';
export * from './unique-name.js';
export * from './wait-for.js';
