import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stopProcess } from './processes.js';

/** A process (leading its own group, as the stack launches them) that exits on its second SIGTERM only. */
async function stubbornProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "let n = 0; process.on('SIGTERM', () => { if (++n === 2) process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);"], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await once(child.stdout!, 'data');
  return child.pid!;
}

describe('stopProcess', () => {
  it('signals again after resignalAfterMs, so a server that needs two signals stops gracefully', async () => {
    expect(await stopProcess(await stubbornProcess(), 'SIGTERM', 10_000, 200)).toBe('stopped');
  });

  it('without a second signal such a server is killed at the timeout', async () => {
    expect(await stopProcess(await stubbornProcess(), 'SIGTERM', 1_000)).toBe('killed');
  });
});
