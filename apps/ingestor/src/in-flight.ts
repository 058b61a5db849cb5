/**
 * At most `limit` tasks running at once. `start` resolves once the task has started (waiting for a
 * free slot first), not when it ends, so a producer can go on while the task runs and is held back
 * only when all slots are taken: back-pressure without a queue. The first failure is kept; after
 * it, `start` refuses new tasks and `drain` rejects with it.
 */
export interface InFlight {
  start(task: () => Promise<void>): Promise<void>;
  /** Waits until every started task has ended; rejects with the first failure. */
  drain(): Promise<void>;
  readonly active: number;
  readonly error: unknown;
  readonly failed: boolean;
}

export function createInFlight(limit: number, onError?: (error: unknown) => void): InFlight {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let active = 0;
  let failed = false;
  let firstError: unknown;
  const running = new Set<Promise<void>>();
  const waiting: Array<() => void> = [];

  return {
    get active() {
      return active;
    },
    get error() {
      return firstError;
    },
    get failed() {
      return failed;
    },
    async start(task) {
      while (active >= limit && !failed) await new Promise<void>((resolve) => waiting.push(resolve));
      if (failed) throw firstError;
      active++;
      const run: Promise<void> = Promise.resolve()
        .then(task)
        .catch((error: unknown) => {
          if (!failed) {
            failed = true;
            firstError = error;
            onError?.(error);
          }
        })
        .finally(() => {
          active--;
          running.delete(run);
          // On failure wake everyone, so that they see it; otherwise the next in line.
          if (failed) waiting.splice(0).forEach((wake) => wake());
          else waiting.shift()?.();
        });
      running.add(run);
    },
    async drain() {
      while (running.size > 0) await Promise.all([...running]);
      if (failed) throw firstError;
    },
  };
}
