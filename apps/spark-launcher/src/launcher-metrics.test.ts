import { describe, expect, it } from 'vitest';
import { createAppMetrics, createHealth } from '@streamline/runtime';
import { readJobPosition } from '@streamline/spark-job-contract';
import { createLauncherObserver } from './launcher-metrics.js';
import { initialStatus, type LauncherStatus } from './status.js';

const base: LauncherStatus = {
  ...initialStatus({ pid: 1, master: 'local[1]', appName: 'a', topics: { created: 'c', processed: 'p', dlq: 'd' }, checkpointDir: '/ck' }, new Date(0)),
  updated_at: '1970-01-01T00:00:00.000Z',
};

describe('the launcher /healthz', () => {
  it("serves the job's committed position as `job`, which the monitor reads back", () => {
    const health = createHealth();
    const { observe } = createLauncherObserver(createAppMetrics('spark-launcher'), health);
    observe(base);
    expect(health.report().details).toMatchObject({ state: 'starting', job: null });
    expect(readJobPosition(health.report().details)).toEqual({ error: 'the job has not reported its position yet' });

    const job = { mode: 'realtime' as const, query: 'realtime', topic: 'c', batch: 3, offsets: { '0': 40, '1': 41 }, at: '2026-12-07T03:00:00.000Z', firstBatchRunning: false };
    observe({ ...base, state: 'running', job });
    const served = JSON.parse(JSON.stringify(health.report()));
    expect(served.details.job).toEqual(job);
    expect(readJobPosition(served.details)).toEqual({ position: job });
  });
});
