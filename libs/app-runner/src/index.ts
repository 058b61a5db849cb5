/** Running the apps as processes (npm start, tests, benches), an isolated run, and reading what a run stored. */
export * from './app-processes.js';
export * from './isolated-run.js';
export * from './stored-users.js';
