import { join } from 'node:path';
import { JOB_OPTIONS } from './generated/job-contract.js';

const STACK_DIR = '.stack/';

/**
 * The job's default checkpoint root lies in the repository's stack folder; the launcher and the
 * monitor, whose stack folder may be elsewhere (STREAMLINE_STACK_DIR), use the same place under it.
 */
export function defaultCheckpointDir(stackRoot: string): string {
  const path: string = JOB_OPTIONS.checkpointDir.default;
  return path.startsWith(STACK_DIR) ? join(stackRoot, path.slice(STACK_DIR.length)) : path;
}
