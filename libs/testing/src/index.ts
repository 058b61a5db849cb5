export * from './stack-mode.js';
export * from './test-connections.js';
export * from './unique-name.js';
export * from './wait-for.js';
export * from './scrape.js';
export * from './describe-for-stack.js';
export * from './local-stack-control.js';
export * from './compose-suite.js';
