export * from './stack-cli.js';
