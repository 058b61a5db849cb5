import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from './logger.js';
import { createResources, createShutdown } from './shutdown.js';

/** A promise with its resolve, to hold work in flight until the test lets it finish. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Signal listeners present before a test; those a test's createShutdown added are removed after it. */
const signals = ['SIGINT', 'SIGTERM'] as const;
let before: Record<string, Array<(...args: never[]) => unknown>>;
let exit: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  before = Object.fromEntries(signals.map((s) => [s, process.listeners(s)]));
  // process.exit must not end the test worker: record the code instead.
  exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
});

afterEach(() => {
  for (const s of signals) for (const l of process.listeners(s)) if (!before[s]!.includes(l)) process.off(s, l as () => void);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createResources', () => {
  it('closes in reverse order of registration, each once, with whichever close method it has', async () => {
    const order: string[] = [];
    const resources = createResources(silentLogger());
    resources.add('pg', { end: () => order.push('pg.end') });
    resources.add('kafka', { disconnect: () => order.push('kafka.disconnect') });
    resources.add('cassandra', { shutdown: () => order.push('cassandra.shutdown') });
    resources.add('http', { close: () => order.push('http.close') });
    await resources.closeAll();
    await resources.closeAll();
    expect(order).toEqual(['http.close', 'cassandra.shutdown', 'kafka.disconnect', 'pg.end']);
  });

  it('goes on closing the others when one close fails', async () => {
    const order: string[] = [];
    const resources = createResources(silentLogger());
    resources.add('first', { close: () => order.push('first') });
    resources.add('broken', {
      close: () => {
        throw new Error('socket gone');
      },
    });
    resources.add('last', { close: async () => Promise.reject(new Error('late failure')) });
    await expect(resources.closeAll()).resolves.toBeUndefined();
    expect(order).toEqual(['first']);
  });
});

describe('createShutdown', () => {
  it('aborts the signal, waits for the work in flight, then closes resources in reverse order', async () => {
    const order: string[] = [];
    const shutdown = createShutdown(silentLogger(), { installHandlers: false });
    shutdown.add('pool', { end: () => order.push('pool closed') });
    shutdown.add('consumer', { disconnect: () => order.push('consumer closed') });
    const batch = deferred();
    shutdown.drain(batch.promise.then(() => order.push('batch committed')));
    shutdown.signal.addEventListener('abort', () => order.push('abort'));

    const stopping = shutdown.run('test');
    await Promise.resolve();
    expect(shutdown.signal.aborted).toBe(true);
    expect(order).toEqual(['abort']);
    batch.resolve();
    await stopping;
    expect(order).toEqual(['abort', 'batch committed', 'consumer closed', 'pool closed']);
  });

  it('closes the resources even when the work in flight failed', async () => {
    const closed: string[] = [];
    const shutdown = createShutdown(silentLogger(), { installHandlers: false });
    shutdown.add('pool', { end: () => closed.push('pool') });
    shutdown.drain(Promise.reject(new Error('batch failed')));
    await shutdown.run('test');
    expect(closed).toEqual(['pool']);
  });

  it('is idempotent: a second run returns the same stop and closes nothing twice', async () => {
    let closes = 0;
    const shutdown = createShutdown(silentLogger(), { installHandlers: false });
    shutdown.add('pool', { end: () => closes++ });
    const first = shutdown.run('one');
    const second = shutdown.run('two');
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(closes).toBe(1);
  });

  it('exits 1 once the hard timeout passes with work still in flight', async () => {
    vi.useFakeTimers();
    const shutdown = createShutdown(silentLogger(), { installHandlers: false, timeoutMs: 5_000 });
    shutdown.drain(new Promise(() => undefined));
    void shutdown.run('test');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('does not exit when the stop finishes within the timeout', async () => {
    vi.useFakeTimers();
    const shutdown = createShutdown(silentLogger(), { installHandlers: false, timeoutMs: 5_000 });
    await shutdown.run('test');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(exit).not.toHaveBeenCalled();
  });

  it('starts the stop on the first SIGTERM, exits with signalExitCode after it, and exits 130 at a second signal', async () => {
    const batch = deferred();
    const shutdown = createShutdown(silentLogger(), { signalExitCode: 0 });
    shutdown.drain(batch.promise);
    process.emit('SIGTERM');
    expect(shutdown.signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();

    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledWith(130);

    batch.resolve();
    await shutdown.run('again');
    await Promise.resolve();
    expect(exit).toHaveBeenLastCalledWith(0);
  });

  it('leaves the exit to the caller when no signalExitCode is given', async () => {
    const shutdown = createShutdown(silentLogger());
    process.emit('SIGINT');
    await shutdown.run('again');
    await Promise.resolve();
    expect(shutdown.signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();
  });
});
