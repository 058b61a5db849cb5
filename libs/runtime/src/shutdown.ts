import type { Logger } from 'pino';

export interface Closable {
  close?: () => unknown;
  end?: () => unknown;
  disconnect?: () => unknown;
  shutdown?: () => unknown;
}

export interface Shutdown {
  /** Aborted when a stop was asked for: loops stop taking new work. */
  readonly signal: AbortSignal;
  /** Registers a resource; closed in reverse order of registration. Returns it for chaining. */
  add<T extends Closable>(name: string, resource: T): T;
  /** Stops everything (also what SIGINT/SIGTERM call). */
  run(reason: string): Promise<void>;
}

/**
 * SIGINT/SIGTERM: abort the signal, close resources in reverse order with a hard timeout; a second
 * signal exits at once.
 */
export function createShutdown(
  log: Logger,
  timeoutMs = 15_000,
  installHandlers = true,
  /** Exit code after a signal-initiated stop (130 says "interrupted" to scripts). */
  signalExitCode = 0,
): Shutdown {
  const controller = new AbortController();
  const resources: Array<{ name: string; resource: Closable }> = [];
  let running: Promise<void> | undefined;

  const closeOne = async ({ name, resource }: { name: string; resource: Closable }) => {
    const fn = resource.close ?? resource.disconnect ?? resource.shutdown ?? resource.end;
    try {
      await fn?.call(resource);
      log.debug({ resource: name }, 'closed');
    } catch (error) {
      log.warn({ resource: name, err: error }, 'close failed');
    }
  };

  const shutdown: Shutdown = {
    signal: controller.signal,
    add(name, resource) {
      resources.push({ name, resource });
      return resource;
    },
    run(reason) {
      running ??= (async () => {
        log.info({ reason }, 'shutting down');
        controller.abort(new Error(`shutdown: ${reason}`));
        const timer = setTimeout(() => {
          log.error({ timeoutMs }, 'shutdown timed out, exiting');
          process.exit(1);
        }, timeoutMs);
        timer.unref();
        for (const entry of [...resources].reverse()) await closeOne(entry);
        clearTimeout(timer);
      })();
      return running;
    },
  };

  if (installHandlers) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (running) {
          log.warn({ signal: sig }, 'second signal, exiting now');
          process.exit(130);
        }
        void shutdown.run(sig).then(() => process.exit(signalExitCode));
      });
    }
  }
  return shutdown;
}
