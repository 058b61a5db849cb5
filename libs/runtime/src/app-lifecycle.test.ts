import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configOrExit, runApp, type AppSpec } from './app-lifecycle.js';

/** Process listeners present before a test; those runApp added are removed after it. */
const events = ['SIGINT', 'SIGTERM', 'unhandledRejection'] as const;
const listeners = (e: (typeof events)[number]): Array<(...args: never[]) => unknown> => process.listeners(e as 'SIGINT') as Array<(...args: never[]) => unknown>;
let before: Record<string, Array<(...args: never[]) => unknown>>;
let exited: Promise<number>;
let stdout: string[];
let stderr: string[];

beforeEach(() => {
  before = Object.fromEntries(events.map((e) => [e, listeners(e)]));
  let onExit!: (code: number) => void;
  exited = new Promise((r) => (onExit = r));
  // runApp ends the process: the test takes the exit code instead.
  vi.spyOn(process, 'exit').mockImplementation(((code: number) => onExit(code)) as never);
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((s: string) => stdout.push(s)) as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(((s: string) => stderr.push(s)) as never);
});

afterEach(() => {
  for (const e of events) for (const l of listeners(e)) if (!before[e]!.includes(l)) process.off(e, l as () => void);
  vi.restoreAllMocks();
});

const spec: AppSpec = { name: 'test-app', logLevel: 'silent', shutdownTimeoutMs: 5_000 };

describe('runApp', () => {
  it('closes the resources the run registered, prints its output last, and exits with its code', async () => {
    const order: string[] = [];
    void runApp(spec, async (ctx) => {
      ctx.shutdown.add('pool', { end: () => order.push('pool closed') });
      ctx.shutdown.add('producer', { disconnect: () => order.push('producer closed') });
      return { exitCode: 3, output: '{"staged":5}' };
    });
    expect(await exited).toBe(3);
    expect(order).toEqual(['producer closed', 'pool closed']);
    expect(stdout.at(-1)).toBe('{"staged":5}\n');
  });

  it('takes a bare number as the exit code and nothing as 0', async () => {
    void runApp(spec, async () => 4);
    expect(await exited).toBe(4);
  });

  it('ends a failed run with one line naming the app and the cause, exit 1, resources closed', async () => {
    const closed: string[] = [];
    void runApp(spec, async (ctx) => {
      ctx.shutdown.add('pool', { end: () => closed.push('pool') });
      throw new Error('relation "outbox" does not exist');
    });
    expect(await exited).toBe(1);
    expect(stderr).toEqual(['test-app: relation "outbox" does not exist\n']);
    expect(closed).toEqual(['pool']);
  });

  it('on SIGTERM aborts the run, lets it finish its batch before closing, and exits 0', async () => {
    const order: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    void runApp(spec, async (ctx) => {
      ctx.shutdown.add('pool', { end: () => order.push('pool closed') });
      started();
      await new Promise((r) => ctx.signal.addEventListener('abort', r));
      order.push('batch committed');
    });
    await running;
    process.emit('SIGTERM');
    expect(await exited).toBe(0);
    expect(order).toEqual(['batch committed', 'pool closed']);
  });

  it('treats a failure caused by the stop itself (a wait cut short) as a clean end', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    void runApp(spec, async (ctx) => {
      started();
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted while waiting for kafka'))));
    });
    await running;
    process.emit('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toEqual([]);
  });
});

describe('configOrExit', () => {
  it('returns the config when it loads', () => {
    expect(configOrExit('relay', () => ({ batch: 500 }))).toEqual({ batch: 500 });
  });

  it('ends the process with one line naming the bad setting, exit 2', async () => {
    configOrExit('relay', () => {
      throw new Error('RELAY_BATCH_SIZE must be a positive integer, got "lots"');
    });
    expect(await exited).toBe(2);
    expect(stderr).toEqual(['relay: RELAY_BATCH_SIZE must be a positive integer, got "lots"\n']);
  });
});
