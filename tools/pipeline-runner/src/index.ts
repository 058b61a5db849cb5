/** For whole-pipeline tests: run the apps as processes and look users up in Cassandra. */
export * from './app-processes.js';
export * from './stored-users.js';
export * from './isolated-run.js';
