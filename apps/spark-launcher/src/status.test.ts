import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStatusFile, describeStatus, initialStatus, readStatusFile } from './status.js';

const initial = initialStatus(
  { pid: 100, master: 'spark://127.0.0.1:7077', appName: 'streamline-users-stream', topics: { created: 'a', processed: 'b', dlq: 'c' }, checkpointDir: '/ck' },
  new Date('2026-01-01T00:00:00.000Z'),
);

describe('status file', () => {
  it('writes every update as JSON that `status` reads back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'launcher-status-')), 'nested', 'status.json');
    const file = createStatusFile(path, initial, () => new Date('2026-01-01T00:00:05.000Z'));
    expect(readStatusFile(path)).toMatchObject({ state: 'starting', pid: 100, updated_at: '2026-01-01T00:00:05.000Z' });
    file.update({ state: 'running', childPid: 200, applicationId: 'app-1' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ state: 'running', childPid: 200, applicationId: 'app-1', restarts: 0 });
    expect(readStatusFile(join(path, '..', 'missing.json'))).toBeUndefined();
    // The job's position: none before it reports one, then what it reported.
    expect(readStatusFile(path)).toMatchObject({ job: null });
    const job = { mode: 'microbatch' as const, query: 'cleanse', topic: 'a', batch: 2, offsets: { '0': 5 }, at: '2026-01-01T00:00:06.000Z', firstBatchRunning: false };
    file.update({ job });
    expect(readStatusFile(path)?.job).toEqual(job);
  });
});

describe('describeStatus', () => {
  const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

  it('is running only when the launcher and spark-submit are alive and the query started', () => {
    const running = { ...initial, state: 'running' as const, childPid: 200, updated_at: '' };
    expect(describeStatus(running, alive([100, 200]))).toMatchObject({ running: true, state: 'running' });
    expect(describeStatus(running, alive([100]))).toMatchObject({ running: false, state: 'running', childAlive: false });
    expect(describeStatus({ ...running, state: 'backoff' }, alive([100, 200]))).toMatchObject({ running: false, state: 'backoff' });
  });

  it('tells a launcher that died from one that stopped, and a missing file from both', () => {
    const stale = { ...initial, state: 'running' as const, childPid: 200, updated_at: '' };
    expect(describeStatus(stale, alive([]))).toMatchObject({ running: false, state: 'dead' });
    expect(describeStatus({ ...stale, state: 'stopped' }, alive([]))).toMatchObject({ running: false, state: 'stopped' });
    expect(describeStatus(undefined)).toEqual({ running: false, state: 'not-started', launcherAlive: false, childAlive: false, status: null });
  });
});
