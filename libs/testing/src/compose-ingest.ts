import { spawn } from 'node:child_process';
import { COMPOSE_TEST_PORTS, COMPOSE_TEST_PROJECT, composeFile } from './compose-suite.js';

/** The ingestor's `--json` summary of one run. */
export interface IngestSummary {
  fetched: number;
  staged: number;
  duplicates: number;
  rejected: number;
}

/**
 * `docker compose run` of the ingestor's image on the suite's project network: `count` generated
 * users of `seed`. Resolves with its JSON summary; rejects with the end of its stderr when it fails.
 */
export function composeIngest(seed: string, count: number): Promise<IngestSummary> {
  return new Promise((resolve, reject) => {
    const args = ['compose', '-p', COMPOSE_TEST_PROJECT, '-f', composeFile, 'run', '--rm', '--no-deps', '-T', 'ingestor'];
    const child = spawn('docker', [...args, '--source', 'generator', '--seed', seed, '--count', String(count), '--json'], {
      env: { ...process.env, ...COMPOSE_TEST_PORTS, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`the ingestor's container exited with ${code}: ${err.slice(-500)}`));
      else resolve(JSON.parse(last) as IngestSummary);
    });
  });
}
