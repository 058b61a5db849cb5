import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { StreamlineError } from '@streamline/runtime';
import { ensureDir } from './paths.js';

export class CommandError extends StreamlineError {}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Full output goes here (install logs), so a failure can be read in full. */
  logFile?: string;
  /** Called for each output line, e.g. to count downloads for progress. */
  onLine?: (line: string) => void;
}

/** Runs a command to completion; on failure the error carries the last lines of its output. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = options.logFile ? createWriteStream(ensureDir(dirname(options.logFile)) && options.logFile, { flags: 'a' }) : undefined;
    const tail: string[] = [];
    let output = '';
    const onLine = (line: string) => {
      log?.write(`${line}\n`);
      output += `${line}\n`;
      tail.push(line);
      if (tail.length > 15) tail.shift();
      options.onLine?.(line);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.on('error', (error) => reject(new CommandError(`cannot run ${command}: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      log?.end();
      if (code === 0) resolve(output);
      else
        reject(
          new CommandError(
            `${command} ${args.slice(0, 3).join(' ')} … exited with ${code}${options.logFile ? ` (full log: ${options.logFile})` : ''}\n${tail.join('\n')}`,
          ),
        );
    });
  });
}
