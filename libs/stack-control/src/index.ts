export * from './stack-cli.js';
export * from './debezium-install.js';
