import { readFileSync } from 'node:fs';

/**
 * Is process `pid` running? kill(pid, 0) answers for any live process (EPERM: alive, owned by
 * another user); a zombie still answers it, so /proc tells those apart (Linux).
 */
export function isProcessAlive(pid: number | null | undefined): boolean {
  if (pid === null || pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all there is
  }
}
