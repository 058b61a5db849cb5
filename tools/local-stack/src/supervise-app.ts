#!/usr/bin/env node
// The process the local stack starts for each pipeline app (`stack up`): runs the app and starts
// it again, with backoff, whenever it exits; SIGTERM/SIGINT stop it cleanly. Its output and the
// app's share the component's one log file.
import { spawn } from 'node:child_process';
import { APPS, appCommand, type AppName } from '@streamline/app-runner';
import { createLogger, isProcessAlive } from '@streamline/runtime';
import { superviseApp, type SupervisedChild } from './app-supervisor.js';

const name = (process.argv[2] ?? '') as AppName;
const log = createLogger('supervisor', { format: 'json', level: 'info' });
if (!(APPS as readonly string[]).includes(name)) {
  console.error(`supervise-app: unknown app ${JSON.stringify(name)} (known: ${APPS.join(', ')})`);
  process.exit(2);
}

let current: SupervisedChild | undefined;
const start = (): SupervisedChild => {
  const cmd = appCommand(name);
  // Its own process group: the stack's stop signal reaches the supervisor, which passes it on
  // exactly once (a second signal would make the app exit without draining).
  const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: process.env, stdio: 'inherit', detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let asked = false;
  current = {
    pid: child.pid ?? -1,
    exited,
    stop: () => {
      if (asked) return;
      asked = true;
      child.kill('SIGTERM');
    },
  };
  return current;
};

const stop = new AbortController();
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => stop.abort());
// Never leave the app behind when the supervisor ends some other way.
process.on('exit', () => {
  if (current && isProcessAlive(current.pid)) process.kill(-current.pid, 'SIGKILL');
});

const code = await superviseApp({ name, start, log, backoff: { minMs: 1_000, maxMs: 60_000 }, stableAfterMs: 60_000 }, stop.signal);
process.exit(code);
