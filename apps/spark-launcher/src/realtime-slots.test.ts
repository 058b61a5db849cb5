import { describe, expect, it } from 'vitest';
import { loadSparkLauncherConfig } from './config.js';
import { SparkSetupError, SparkSlotsBusyError } from './errors.js';
import { checkRealtimeSlots } from './realtime-slots.js';

const realtime = (env: Record<string, string> = {}, master?: string) =>
  loadSparkLauncherConfig({ SPARK_JOB_MODE: 'realtime', ...env }, master ? { master } : {}, '/repo');
const worker = (cores: number, coresused = 0) => ({ id: `w${cores}-${coresused}`, state: 'ALIVE', cores, coresused });
const errorOf = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
};

describe('checkRealtimeSlots', () => {
  it('passes when the workers have a free slot per source partition', () => {
    expect(() => checkRealtimeSlots(realtime(), { sourcePartitions: 3, workers: [worker(4, 1)] })).not.toThrow();
    expect(() => checkRealtimeSlots(realtime(), { sourcePartitions: 3, workers: null })).not.toThrow();
  });

  it("says in one line that the stack's 2-core worker is too small, and how to fix it", () => {
    const error = errorOf(() => checkRealtimeSlots(realtime(), { sourcePartitions: 3, workers: [worker(2, 1)] }));
    expect(error).toBeInstanceOf(SparkSetupError);
    expect(error.message).toBe(
      'realtime mode needs 3 task slots at once (one per partition of users_created) but the Spark master http://127.0.0.1:8090 has 1 worker(s) ' +
        'with 2 cores (1 in use), executors of 3 cores (SPARK_JOB_EXECUTOR_CORES): give the worker more cores ' +
        '(--cores, SPARK_WORKER_CORES for the local stack: cores are slots, more than the machine has is fine)',
    );
    expect(error.message).not.toContain('\n');
  });

  it('counts only whole executors per worker', () => {
    // Two 2-core workers cannot host one 3-core executor; 1-core executors fit.
    expect(() => checkRealtimeSlots(realtime(), { sourcePartitions: 3, workers: [worker(2), worker(2)] })).toThrow(SparkSetupError);
    expect(() => checkRealtimeSlots(realtime({ SPARK_JOB_EXECUTOR_CORES: '1' }), { sourcePartitions: 3, workers: [worker(2), worker(2)] })).not.toThrow();
  });

  it('waits (a retriable error) when the cores exist but other applications hold them', () => {
    const error = errorOf(() => checkRealtimeSlots(realtime(), { sourcePartitions: 3, workers: [worker(4, 2)] }));
    expect(error).toBeInstanceOf(SparkSlotsBusyError);
    expect((error as SparkSlotsBusyError).retriable).toBe(true);
    expect(error.message).toMatch(/: 0 free; waiting for other applications to release cores$/);
  });

  it('refuses SPARK_JOB_CORES_MAX below the partition count, e.g. a topic with more partitions than the launcher creates', () => {
    const error = errorOf(() => checkRealtimeSlots(realtime(), { sourcePartitions: 6, workers: [worker(8)] }));
    expect(error).toBeInstanceOf(SparkSetupError);
    expect(error.message).toBe('realtime mode needs 6 task slots at once (one per partition of users_created) but SPARK_JOB_CORES_MAX=3: set it to 6 or more (or leave it unset)');
  });

  it('checks the threads of a local master', () => {
    expect(() => checkRealtimeSlots(realtime({}, 'local[4]'), { sourcePartitions: 3, workers: null })).not.toThrow();
    expect(() => checkRealtimeSlots(realtime({}, 'local[2]'), { sourcePartitions: 3, workers: null })).toThrow(/but local\[2\] runs 2: use local\[3\] or a cluster$/);
    expect(() => checkRealtimeSlots(realtime({}, 'local[*]'), { sourcePartitions: 3, workers: null, localCores: 2 })).toThrow(/local\[\*\] runs 2/);
    expect(() => checkRealtimeSlots(realtime({}, 'local'), { sourcePartitions: 1, workers: null })).not.toThrow();
  });
});
