import { describe, expect, it } from 'vitest';
import { createHealth, createStallWatch, silentLogger, StreamlineError } from '@streamline/runtime';
import { SparkJobFailedError } from './errors.js';
import type { LauncherStatus } from './status.js';
import { JOB_STALL_KEY, superviseJob, type ChildExit, type JobEvents, type JobProcess, type SupervisorDeps } from './supervisor.js';

/** A fake spark-submit: exits when the test says so, or on stop(). */
class FakeChild implements JobProcess {
  readonly pid: number;
  readonly exited: Promise<ChildExit>;
  stopCalls = 0;
  private resolveExit!: (exit: ChildExit) => void;

  constructor(
    pid: number,
    readonly events: JobEvents,
  ) {
    this.pid = pid;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  exit(code: number | null, signal: string | null = null) {
    this.resolveExit({ code, signal });
  }

  stop() {
    this.stopCalls++;
    this.exit(0);
    return this.exited;
  }
}

function harness(options: Partial<SupervisorDeps<object>['options']> = {}, prepare: () => Promise<object> = async () => ({})) {
  const children: FakeChild[] = [];
  const sleeps: number[] = [];
  const statuses: Array<Partial<LauncherStatus>> = [];
  let clock = 0;
  const launched: Array<() => void> = [];
  const deps: SupervisorDeps<object> = {
    prepare,
    launch: (_prepared, events) => {
      const child = new FakeChild(1000 + children.length, events);
      children.push(child);
      launched.shift()?.();
      return child;
    },
    status: (patch) => statuses.push(patch),
    log: silentLogger(),
    options: { minBackoffMs: 100, maxBackoffMs: 1000, stableAfterMs: 60_000, maxRestarts: 0, ...options },
    now: () => clock,
    random: () => 1,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  };
  /** Resolves once the n-th child (1-based) was launched. */
  const child = async (n: number) => {
    while (children.length < n) await new Promise<void>((r) => launched.push(r));
    return children[n - 1]!;
  };
  return { deps, children, sleeps, statuses, child, advance: (ms: number) => (clock += ms) };
}

const states = (statuses: Array<Partial<LauncherStatus>>) => statuses.flatMap((s) => (s.state ? [s.state] : []));

describe('superviseJob', () => {
  it('restarts a crashed job with exponential backoff, capped, and stops it gracefully on abort', async () => {
    const h = harness();
    const stop = new AbortController();
    const done = superviseJob(h.deps, stop.signal);
    for (let n = 1; n <= 5; n++) (await h.child(n)).exit(1);
    const sixth = await h.child(6);
    sixth.events.onQueryStarted('app-6');
    stop.abort();
    await expect(done).resolves.toBe('stopped');
    expect(h.sleeps).toEqual([100, 200, 400, 800, 1000]);
    expect(sixth.stopCalls).toBe(1);
    expect(h.statuses).toContainEqual(expect.objectContaining({ state: 'running', applicationId: 'app-6' }));
    expect(h.statuses.filter((s) => s.restarts !== undefined).map((s) => s.restarts)).toEqual([1, 2, 3, 4, 5]);
    expect(states(h.statuses).slice(-2)).toEqual(['stopping', 'stopped']);
  });

  it('resets the backoff after a stable run', async () => {
    const h = harness({ stableAfterMs: 10_000 });
    const stop = new AbortController();
    const done = superviseJob(h.deps, stop.signal);
    (await h.child(1)).exit(1);
    (await h.child(2)).exit(1);
    const third = await h.child(3);
    h.advance(20_000);
    third.exit(137, null);
    await h.child(4);
    stop.abort();
    await done;
    expect(h.sleeps).toEqual([100, 200, 100]);
  });

  it('gives up after maxRestarts failures in a row', async () => {
    const h = harness({ maxRestarts: 2 });
    const done = superviseJob(h.deps, new AbortController().signal);
    for (let n = 1; n <= 3; n++) (await h.child(n)).exit(null, 'SIGKILL');
    await expect(done).rejects.toThrow(SparkJobFailedError);
    await expect(done).rejects.toThrow(/gave up after 2 restarts in a row: spark job exited with signal SIGKILL/);
    expect(states(h.statuses).at(-1)).toBe('failed');
  });

  it('does not restart a job that rejected its arguments, and ends when the job ends by itself', async () => {
    const usage = harness();
    const failed = superviseJob(usage.deps, new AbortController().signal);
    (await usage.child(1)).exit(2);
    await expect(failed).rejects.toThrow(/rejected its arguments/);
    expect(usage.children).toHaveLength(1);

    const finished = harness();
    const done = superviseJob(finished.deps, new AbortController().signal);
    (await finished.child(1)).exit(0);
    await expect(done).resolves.toBe('job-finished');
  });

  it('backs off on a retriable prepare failure and fails at once on a setup error', async () => {
    let calls = 0;
    const flaky = harness({}, async () => {
      if (++calls < 3) throw new StreamlineError('registry down', { retriable: true });
      return {};
    });
    const stop = new AbortController();
    const done = superviseJob(flaky.deps, stop.signal);
    await flaky.child(1);
    stop.abort();
    await done;
    expect(flaky.sleeps).toEqual([100, 200]);

    const broken = harness({}, async () => {
      throw new StreamlineError('spark-submit not found');
    });
    await expect(superviseJob(broken.deps, new AbortController().signal)).rejects.toThrow('spark-submit not found');
    expect(broken.children).toHaveLength(0);
  });

  it('reports a stall when runs keep failing before the next micro-batch, naming the batch and the job\'s error, and clears it once a batch goes through', async () => {
    const h = harness();
    const health = createHealth();
    health.up('spark-job');
    health.started();
    let retries = 0;
    h.deps.stall = createStallWatch({ health, onFailure: () => retries++, log: silentLogger(), bound: { afterAttempts: 3, afterMs: 3_600_000 }, now: () => 0 });
    const progress = (batch: number) => ({ batch, inputRows: 10, inputRowsPerSecond: 1, processedRowsPerSecond: 1, durationMs: 100, offsetsBehind: 0 });
    const stop = new AbortController();
    const done = superviseJob(h.deps, stop.signal);

    const first = await h.child(1);
    first.events.onProgress(progress(41));
    first.events.onProgress(progress(42));
    for (let n = 1; n <= 3; n++) {
      const child = n === 1 ? first : await h.child(n);
      child.events.onJobFailed('Py4JJavaError: Batch too large');
      child.exit(1);
      await h.child(n + 1);
      expect(health.report().ready).toBe(n < 3);
    }
    expect(retries).toBe(3);
    expect(health.report().stalls?.[JOB_STALL_KEY]).toMatchObject({ at: 'after batch 42', attempts: 3, reason: expect.stringMatching(/exited with code 1 after \d+ ms: Py4JJavaError: Batch too large$/) });

    // The restarted query replays batch 42's offsets: only a later batch means it got past them.
    const fourth = await h.child(4);
    fourth.events.onProgress(progress(42));
    expect(health.report().stalls?.[JOB_STALL_KEY]).toBeDefined();
    fourth.events.onProgress(progress(43));
    expect(health.report().stalls).toBeUndefined();
    expect(health.report().ready).toBe(true);
    stop.abort();
    await done;
  });

  it("keeps the job's committed position in its status, with the mode of its query, across a restart", async () => {
    const h = harness();
    const stop = new AbortController();
    const done = superviseJob(h.deps, stop.signal);
    const position = (fields: object) => ({ event: 'committedPosition' as const, query: 'realtime', topic: 't', batch: null, offsets: null, fromQuery: null, resumed: true, ...fields });
    const jobs = () => h.statuses.flatMap((s) => (s.job !== undefined ? [s.job] : []));

    const first = await h.child(1);
    first.events.onPosition(position({}));
    h.advance(5000);
    first.events.onPosition(position({ batch: 0, offsets: { '0': 7, '1': 9 }, resumed: false }));
    first.exit(1);
    const second = await h.child(2);
    second.events.onPosition(position({ query: 'no-such-query', batch: 1, offsets: { '0': 8 } }));
    stop.abort();
    await done;
    expect(jobs()).toEqual([
      { mode: 'realtime', query: 'realtime', topic: 't', batch: null, offsets: null, at: '1970-01-01T00:00:00.000Z', firstBatchRunning: true },
      { mode: 'realtime', query: 'realtime', topic: 't', batch: 0, offsets: { '0': 7, '1': 9 }, at: '1970-01-01T00:00:05.000Z', firstBatchRunning: false },
    ]);
    // Nothing clears it: the restarted job resumes from that position (and reports it again).
    expect(h.statuses.some((s) => 'job' in s && s.job === null)).toBe(false);
  });
});

