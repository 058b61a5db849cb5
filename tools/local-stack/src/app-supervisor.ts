import { createRestartPolicy, type BackoffOptions, type Logger, sleep } from '@streamline/runtime';

/** A started child, as the supervisor sees it. */
export interface SupervisedChild {
  pid: number;
  /** Resolves with the exit code (null: killed by a signal). */
  exited: Promise<number | null>;
  /** Asks it to stop (SIGTERM, once). */
  stop(): void;
}

export interface SupervisorOptions {
  name: string;
  start(): SupervisedChild;
  log: Logger;
  backoff: BackoffOptions;
  /** A child that ran this long before failing starts the backoff over. */
  stableAfterMs: number;
  /** Exit codes a restart cannot mend (2: the app refused its config). */
  fatalCodes?: number[];
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** The runtime's sleep, ended early (not failed) by a stop. */
const abortableSleep = (ms: number, signal: AbortSignal) => sleep(ms, signal).catch(() => undefined);

/**
 * Keeps an app running until `signal` aborts: starts it, and whenever it exits (a crash, a kill, an
 * exit it should not have made) starts it again after a capped, jittered backoff. On abort it asks
 * the child to stop and waits for it. Returns the exit code to end with: 0 after a stop, the
 * child's code when it exited with a fatal one (a restart would fail the same way).
 */
export async function superviseApp(options: SupervisorOptions, signal: AbortSignal): Promise<number> {
  const { log, name } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const policy = createRestartPolicy({ backoff: options.backoff, stableAfterMs: options.stableAfterMs, ...(options.fatalCodes ? { fatalCodes: options.fatalCodes } : {}) });
  let failures = 0;
  while (!signal.aborted) {
    const started = now();
    const child = options.start();
    log.info({ app: name, pid: child.pid, restarts: failures }, 'app started');
    const onAbort = () => child.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    const code = await child.exited;
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) {
      log.info({ app: name, code }, 'app stopped');
      return 0;
    }
    const decision = policy.afterExit(code, now() - started);
    if (decision.kind === 'fatal') {
      log.error({ app: name, code }, 'app refused to start (see its error above); not restarting');
      return decision.code;
    }
    // No bound on restarts here: a supervised app is restarted as long as the stack runs.
    if (decision.kind !== 'restart') return code ?? 1;
    failures = decision.failures;
    log.warn({ app: name, code, ranMs: now() - started, delayMs: decision.delayMs, failures }, 'app exited; restarting after backoff');
    await sleep(decision.delayMs, signal);
  }
  return 0;
}
