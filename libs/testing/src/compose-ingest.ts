import { spawn } from 'node:child_process';
import { COMPOSE_TEST_PORTS, COMPOSE_TEST_PROJECT, composeFile } from './compose-suite.js';

/** The ingestor's `--json` summary of one run. */
export interface IngestSummary {
  fetched: number;
  staged: number;
  duplicates: number;
  rejected: number;
}

/** Which compose project to run it in: the docker suite's by default. */
export interface ComposeTarget {
  project: string;
  files: string[];
  ports: Readonly<Record<string, string>>;
}

const DOCKER_SUITE: ComposeTarget = { project: COMPOSE_TEST_PROJECT, files: [composeFile], ports: COMPOSE_TEST_PORTS };

/**
 * `docker compose run` of the ingestor's image on the project's network: `count` generated users
 * of `seed`. Resolves with its JSON summary; rejects with the end of its stderr when it fails.
 */
export function composeIngest(seed: string, count: number, target: ComposeTarget = DOCKER_SUITE): Promise<IngestSummary> {
  return new Promise((resolve, reject) => {
    const args = ['compose', '-p', target.project, ...target.files.flatMap((f) => ['-f', f]), 'run', '--rm', '--no-deps', '-T', 'ingestor'];
    const child = spawn('docker', [...args, '--source', 'generator', '--seed', seed, '--count', String(count), '--json'], {
      env: { ...process.env, ...target.ports, LOG_LEVEL: 'warn' },
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
