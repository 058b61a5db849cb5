import type { Logger } from '@streamline/runtime';

/**
 * Runs `step` now and then every `intervalMs` after the previous run ended (never two at once,
 * so a slow source delays the next read instead of piling reads up), until `signal` aborts.
 */
export function startLoop(step: () => Promise<void>, intervalMs: number, signal: AbortSignal, log: Logger): { first: Promise<void>; done: Promise<void> } {
  let firstDone!: () => void;
  const first = new Promise<void>((resolve) => (firstDone = resolve));
  const done = (async () => {
    while (!signal.aborted) {
      try {
        await step();
      } catch (error) {
        log.warn({ err: (error as Error).message }, 'monitor read failed');
      }
      firstDone();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  })();
  void done.finally(firstDone);
  return { first, done };
}
