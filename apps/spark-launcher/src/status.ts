import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isProcessAlive } from '@streamline/runtime';
import type { JobPosition } from '@streamline/spark-job-contract';
import type { QueryProgress } from './supervisor.js';

/**
 * starting: preparing topics/schemas or spark-submit launched, query not started yet;
 * running: the job reported its streaming query started; backoff: waiting to restart after a failure;
 * stopping / stopped: asked to stop / done; failed: gave up (a restart would not help, or restarts ran out).
 */
export type LauncherState = 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'failed';

export interface LauncherStatus {
  state: LauncherState;
  /** The launcher's pid. */
  pid: number;
  /** spark-submit's pid (the driver JVM), while it runs. */
  childPid: number | null;
  /** Restarts after failures since the launcher started. */
  restarts: number;
  started_at: string;
  child_started_at: string | null;
  /** Spark application id, once the query started. */
  applicationId: string | null;
  lastBatch: { batch: number; records: number; processed: number; dlq: number; at: string } | null;
  /** The streaming query's progress after its last micro-batch (Spark's own figures). */
  progress: (QueryProgress & { at: string }) | null;
  /**
   * Where the job stands on its source topic, as it last reported (kept across restarts: a
   * committed position stays true); null before its first report. Served in /healthz as `job`.
   */
  job: JobPosition | null;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  nextRestartAt: string | null;
  error: string | null;
  master: string;
  appName: string;
  topics: { created: string; processed: string; dlq: string };
  checkpointDir: string;
  updated_at: string;
}

/** What a launcher says about itself before anything happened: starting, no child, no batch yet. */
export function initialStatus(
  launcher: Pick<LauncherStatus, 'pid' | 'master' | 'appName' | 'topics' | 'checkpointDir'>,
  startedAt: Date = new Date(),
): Omit<LauncherStatus, 'updated_at'> {
  return {
    state: 'starting',
    childPid: null,
    restarts: 0,
    started_at: startedAt.toISOString(),
    child_started_at: null,
    applicationId: null,
    lastBatch: null,
    progress: null,
    job: null,
    lastExit: null,
    nextRestartAt: null,
    error: null,
    ...launcher,
  };
}

export interface StatusFile {
  readonly path: string;
  /** Merges `patch` into the current status and writes it atomically (temp file + rename). */
  update(patch: Partial<LauncherStatus>): LauncherStatus;
  current(): LauncherStatus;
}

export function createStatusFile(path: string, initial: Omit<LauncherStatus, 'updated_at'>, now: () => Date = () => new Date()): StatusFile {
  mkdirSync(dirname(path), { recursive: true });
  let status: LauncherStatus = { ...initial, updated_at: now().toISOString() };
  const write = () => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(status, null, 2)}\n`);
    renameSync(tmp, path);
  };
  write();
  return {
    path,
    update(patch) {
      status = { ...status, ...patch, updated_at: now().toISOString() };
      write();
      return status;
    },
    current: () => status,
  };
}

export function readStatusFile(path: string): LauncherStatus | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LauncherStatus;
  } catch {
    return undefined;
  }
}


export interface StatusReport {
  /** The one answer Airflow needs: the launcher and its job are alive and the query runs. */
  running: boolean;
  /** The recorded state, or `not-started` without a status file, or `dead` when the launcher's pid is gone. */
  state: LauncherState | 'not-started' | 'dead';
  launcherAlive: boolean;
  childAlive: boolean;
  status: LauncherStatus | null;
}

/** What `spark-launcher status` answers, from the status file and a liveness check of the pids. */
export function describeStatus(status: LauncherStatus | undefined, isAlive: (pid: number) => boolean = isProcessAlive): StatusReport {
  if (!status) return { running: false, state: 'not-started', launcherAlive: false, childAlive: false, status: null };
  const launcherAlive = isAlive(status.pid);
  const childAlive = status.childPid !== null && isAlive(status.childPid);
  const finished = status.state === 'stopped' || status.state === 'failed';
  const state = !launcherAlive && !finished ? 'dead' : status.state;
  return { running: launcherAlive && childAlive && status.state === 'running', state, launcherAlive, childAlive, status };
}
