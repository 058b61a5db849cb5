import { describe, expect, it } from 'vitest';
import { createInFlight } from './in-flight.js';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('createInFlight', () => {
  it('runs at most `limit` tasks and holds the producer back until a slot frees', async () => {
    const gate = createInFlight(2);
    const tasks = [deferred(), deferred(), deferred()];
    await gate.start(() => tasks[0]!.promise);
    await gate.start(() => tasks[1]!.promise);
    expect(gate.active).toBe(2);
    let thirdStarted = false;
    const third = gate.start(async () => {
      thirdStarted = true;
      await tasks[2]!.promise;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(thirdStarted).toBe(false);
    tasks[0]!.resolve();
    await third;
    expect(thirdStarted).toBe(true);
    expect(gate.active).toBe(2);
    tasks[1]!.resolve();
    tasks[2]!.resolve();
    await gate.drain();
    expect(gate.active).toBe(0);
  });

  it('keeps the first failure: start refuses new work, drain rejects with it', async () => {
    const seen: unknown[] = [];
    const gate = createInFlight(1, (e) => seen.push(e));
    const boom = new Error('boom');
    await gate.start(async () => {
      throw boom;
    });
    const waiting = gate.start(async () => undefined);
    await expect(waiting).rejects.toBe(boom);
    await expect(gate.drain()).rejects.toBe(boom);
    expect(gate.failed).toBe(true);
    expect(seen).toEqual([boom]);
  });

  it('wakes producers waiting for a slot when a task fails', async () => {
    const gate = createInFlight(1);
    const first = deferred();
    await gate.start(() => first.promise);
    const blocked = gate.start(async () => undefined);
    first.reject(new Error('db down'));
    await expect(blocked).rejects.toThrow('db down');
  });
});
