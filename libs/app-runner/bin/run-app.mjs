#!/usr/bin/env node
// `node libs/app-runner/bin/run-app.mjs <app> [args...]`: runs one of the apps the way every caller
// does (see ../src/app-command.mjs) with this process's stdio and env; exits with the app's code.
// Airflow's tasks run the apps through this (streamline_common.run_app, an argument list, no shell).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { appCommand } from '../src/app-command.mjs';

const [app, ...args] = process.argv.slice(2);
if (!app || app === '--help') {
  console.error('usage: run-app.mjs <ingestor|relay|spark-launcher|cassandra-writer|user-query> [args...]');
  process.exit(2);
}
let command;
try {
  command = appCommand(app, args);
} catch (error) {
  console.error(`run-app: ${error.message}`);
  process.exit(2);
}
const child = spawn(command.command, command.args, { cwd: command.cwd, stdio: 'inherit' });
// SIGTERM comes from a supervisor (Airflow stopping a task) to this process only: pass it on.
// SIGINT from a terminal already reaches the whole process group, the app included.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => undefined);
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
