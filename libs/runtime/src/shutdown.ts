import type { Logger } from 'pino';
import { describeError } from './errors.js';

export interface Closable {
  close?: () => unknown;
  end?: () => unknown;
  disconnect?: () => unknown;
  shutdown?: () => unknown;
}

/** Resources closed together, in reverse order of registration (clients opened first close last). */
export interface Resources {
  /** Registers a resource; returns it for chaining. */
  add<T extends Closable>(name: string, resource: T): T;
  /** Closes every resource registered so far (each once), logging but not throwing failures. */
  closeAll(): Promise<void>;
}

export function createResources(log: Logger): Resources {
  const resources: Array<{ name: string; resource: Closable }> = [];
  return {
    add(name, resource) {
      resources.push({ name, resource });
      return resource;
    },
    async closeAll() {
      for (const { name, resource } of resources.splice(0).reverse()) {
        const fn = resource.close ?? resource.disconnect ?? resource.shutdown ?? resource.end;
        try {
          await fn?.call(resource);
          log.debug({ resource: name }, 'closed');
        } catch (error) {
          log.warn({ resource: name, err: describeError(error) }, 'close failed');
        }
      }
    },
  };
}

export interface Shutdown extends Omit<Resources, 'closeAll'> {
  /** Aborted when a stop was asked for: loops stop taking new work. */
  readonly signal: AbortSignal;
  /** Waited for after the abort and before any resource closes: the batch in flight finishes and commits. */
  drain(work: Promise<unknown>): void;
  /** Stops everything: abort, drain, close in reverse order, within the hard timeout. Idempotent. */
  run(reason: string): Promise<void>;
}

export interface ShutdownOptions {
  timeoutMs?: number;
  /** SIGINT/SIGTERM start the stop; a second signal exits at once (130). */
  installHandlers?: boolean;
  /** After a signal-initiated stop, exit with this code (0: a stop asked for is a clean end); `undefined`: do not exit, the caller does. */
  signalExitCode?: number;
}

/**
 * The one shutdown of a process: on SIGINT/SIGTERM (or `run`) it aborts `signal`, waits for the
 * work given to `drain`, then closes resources in reverse order; past `timeoutMs` it exits 1.
 */
export function createShutdown(log: Logger, options: ShutdownOptions = {}): Shutdown {
  const { timeoutMs = 15_000, installHandlers = true } = options;
  const controller = new AbortController();
  const resources = createResources(log);
  const draining: Promise<unknown>[] = [];
  let running: Promise<void> | undefined;

  const shutdown: Shutdown = {
    signal: controller.signal,
    add: resources.add,
    drain(work) {
      draining.push(work.catch(() => undefined));
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
        await Promise.all(draining);
        await resources.closeAll();
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
        void shutdown.run(sig).then(() => {
          if (options.signalExitCode !== undefined) process.exit(options.signalExitCode);
        });
      });
    }
  }
  return shutdown;
}
