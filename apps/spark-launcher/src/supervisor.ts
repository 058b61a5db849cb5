import { createRestartPolicy, describeError, isRetriable, sleep, type Logger, type RestartDecision, type StallWatch } from '@streamline/runtime';
import { jobPositionOf, type CommittedPositionEvent, type QueryProgressEvent } from '@streamline/spark-job-contract';
import { SparkJobFailedError } from './errors.js';
import type { LauncherStatus } from './status.js';

export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** A running spark-submit (see spark-process.ts); fakes in tests. */
export interface JobProcess {
  readonly pid: number;
  /** Settles when the process has exited and its output is flushed. */
  readonly exited: Promise<ChildExit>;
  /** Graceful stop (the job finishes its batch in flight), escalating to SIGTERM and SIGKILL. */
  stop(): Promise<ChildExit>;
}

/** The job's events the supervisor acts on (see job-events.ts). */
export interface JobEvents {
  onQueryStarted(applicationId: string): void;
  onBatch(batch: { batch: number; records: number; processed: number; dlq: number }): void;
  /** Spark's own progress of the streaming query, once per micro-batch. */
  onProgress(progress: QueryProgress): void;
  /** Where the query stands on its source topic: at its start, then after each committed batch. */
  onPosition(position: CommittedPositionEvent): void;
  /** The job's own last word before it exits non-zero ("job failed", with the error's first line). */
  onJobFailed(error: string): void;
}

/** From Spark's StreamingQueryProgress, as the job reports it after each batch (the contract's "query progress"). */
export type QueryProgress = Omit<QueryProgressEvent, 'event'>;

export interface SupervisorOptions {
  minBackoffMs: number;
  maxBackoffMs: number;
  /** A run that lasted this long resets the backoff to its minimum. */
  stableAfterMs: number;
  /** Failures in a row before giving up; 0 = never. */
  maxRestarts: number;
}

export interface SupervisorDeps<P> {
  /** Before each start: topics, schemas, jars. A retriable failure backs off like a crash. */
  prepare(signal: AbortSignal): Promise<P>;
  launch(prepared: P, events: JobEvents): JobProcess;
  status(patch: Partial<LauncherStatus>): void;
  /** Hears of each failed run and of each micro-batch: a job that keeps failing before its next batch is a stall. */
  stall?: StallWatch;
  log: Logger;
  options: SupervisorOptions;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Exit code of a job that rejected its arguments (argparse): a restart would fail the same way. */
export const USAGE_EXIT_CODE = 2;

/** The stall key of the job's micro-batches (one streaming query). */
export const JOB_STALL_KEY = 'spark-job';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Keeps the Spark job running until `signal` aborts: prepare, launch, wait; on a non-zero exit (or a
 * retriable prepare failure) restart after an exponential backoff with jitter, capped, reset after a
 * stable run. On abort the child is stopped gracefully. Resolves when stopped (or when the job ended
 * by itself with 0); rejects with SparkJobFailedError when it gives up.
 */
export async function superviseJob<P>(deps: SupervisorDeps<P>, signal: AbortSignal): Promise<'stopped' | 'job-finished'> {
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? sleep;
  const { log, options } = deps;
  const policy = createRestartPolicy({
    backoff: { minMs: options.minBackoffMs, maxMs: options.maxBackoffMs },
    stableAfterMs: options.stableAfterMs,
    maxRestarts: options.maxRestarts,
    fatalCodes: [USAGE_EXIT_CODE],
    ...(deps.random ? { random: deps.random } : {}),
  });
  let restarts = 0;
  // The last micro-batch Spark reported done (it survives restarts: batch ids come from the
  // checkpoint). Runs failing again and again before the next one are stuck on the same records.
  let lastBatch: number | null = null;

  /** Waits out a restart decision; false when the policy gave up. */
  const backoff = async (decision: RestartDecision, reason: string): Promise<boolean> => {
    if (decision.kind !== 'restart') return false;
    restarts++;
    const { delayMs, failures } = decision;
    deps.status({ state: 'backoff', restarts, nextRestartAt: iso(now() + delayMs), childPid: null, error: reason });
    log.warn({ failures, restarts, delayMs, reason }, 'restarting the spark job after a backoff');
    try {
      await wait(delayMs, signal);
    } catch {
      // aborted while waiting
    }
    return true;
  };

  while (!signal.aborted) {
    deps.status({ state: 'starting', nextRestartAt: null, applicationId: null });
    let prepared: P;
    try {
      prepared = await deps.prepare(signal);
    } catch (error) {
      if (!isRetriable(error)) {
        deps.status({ state: 'failed', error: describeError(error) });
        throw error;
      }
      if (signal.aborted) break;
      const decision = policy.afterFailedStart();
      if (!(await backoff(decision, `prepare failed: ${describeError(error)}`))) {
        deps.status({ state: 'failed', error: describeError(error) });
        throw new SparkJobFailedError(`gave up after ${decision.kind === 'give-up' ? decision.failures - 1 : 0} restarts: ${describeError(error)}`, { code: null, signal: null });
      }
      continue;
    }
    if (signal.aborted) break;

    const startedAt = now();
    let jobError: string | undefined;
    let child: JobProcess;
    try {
      child = deps.launch(prepared, {
        onQueryStarted: (applicationId) => {
          deps.status({ state: 'running', applicationId, error: null });
          log.info({ applicationId }, 'spark job running');
        },
        onBatch: (batch) => deps.status({ lastBatch: { ...batch, at: iso(now()) } }),
        onProgress: (progress) => {
          if (lastBatch === null || progress.batch > lastBatch) deps.stall?.passed(JOB_STALL_KEY);
          lastBatch = progress.batch;
          deps.status({ progress: { ...progress, at: iso(now()) } });
        },
        onPosition: (event) => {
          const job = jobPositionOf(event, new Date(now()));
          if (job) deps.status({ job });
          else log.warn({ query: event.query }, 'the job reported the position of a query of no mode; ignored');
        },
        onJobFailed: (error) => (jobError = error),
      });
    } catch (error) {
      deps.status({ state: 'failed', error: describeError(error) });
      throw error;
    }
    deps.status({ childPid: child.pid, child_started_at: iso(startedAt) });
    log.info({ pid: child.pid }, 'spark-submit started');

    const onAbort = () => {
      deps.status({ state: 'stopping' });
      log.info({ pid: child.pid }, 'stopping the spark job');
      void child.stop();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const exit = await child.exited;
    signal.removeEventListener('abort', onAbort);
    const ranMs = now() - startedAt;
    deps.status({ childPid: null, lastExit: { ...exit, at: iso(now()) } });
    log.info({ ...exit, ranMs }, 'spark-submit exited');

    if (signal.aborted) break;
    if (exit.code === 0) {
      deps.status({ state: 'stopped' });
      return 'job-finished';
    }
    const decision = policy.afterExit(exit.code, ranMs);
    if (decision.kind === 'fatal') {
      const error = new SparkJobFailedError('the spark job rejected its arguments (exit 2); see its log above', exit);
      deps.status({ state: 'failed', error: error.message });
      throw error;
    }
    const reason = `spark job exited with ${exit.code === null ? `signal ${exit.signal}` : `code ${exit.code}`} after ${ranMs} ms${jobError ? `: ${jobError}` : ''}`;
    deps.stall?.failed(JOB_STALL_KEY, lastBatch === null ? 'before its first batch' : `after batch ${lastBatch}`, new Error(reason));
    if (!(await backoff(decision, reason))) {
      const error = new SparkJobFailedError(`gave up after ${decision.kind === 'give-up' ? decision.failures - 1 : 0} restarts in a row: ${reason}`, exit);
      deps.status({ state: 'failed', error: error.message });
      throw error;
    }
  }
  deps.status({ state: 'stopped', childPid: null, nextRestartAt: null });
  return 'stopped';
}
