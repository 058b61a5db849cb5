import { describe, expect, it } from 'vitest';
import type { JobPosition } from '@streamline/spark-job-contract';
import type { TopicOffsets } from './kafka-state.js';
import { knownPositions, lagView, type GroupSample } from './lag-view.js';
import { sparkPositions } from './spark-position.js';
import { groupLabel, lagCell } from './web/lag-labels.js';

const topic = (highs: number[]): TopicOffsets => ({
  topic: 'users_created',
  partitions: highs.map((high, partition) => ({ partition, low: 0, high })),
  messages: highs.reduce((a, b) => a + b, 0),
  retained: highs.reduce((a, b) => a + b, 0),
});
const job = (fields: Partial<JobPosition>): JobPosition => ({
  mode: 'realtime',
  query: 'realtime',
  topic: 'users_created',
  batch: 3,
  offsets: { '0': 100, '1': 90, '2': 80 },
  at: '2026-12-07T03:00:00.000Z',
  firstBatchRunning: false,
  ...fields,
});
/** The launcher as the monitor's probe sees it: its /healthz body, or nothing answering. */
const up = (position: JobPosition | null) => ({ state: 'ready' as const, error: null, health: { status: 'ready', details: { state: 'running', job: position } } });
const down = { state: 'down' as const, error: 'not running (connection refused)', health: null };

/** The lag table's row after these ticks (one second apart), as the page labels it. */
function rowAfter(ticks: Array<{ launcher: Parameters<typeof sparkPositions>[0]; offsets: TopicOffsets }>) {
  const samples: GroupSample[] = [];
  let view;
  for (const [i, tick] of ticks.entries()) {
    const g = sparkPositions(tick.launcher, 'streamline-users-stream', tick.offsets);
    samples.push({ t: i * 1000, groups: knownPositions([g]) });
    view = lagView(g, samples, 60_000);
  }
  return { view: view!, label: groupLabel(view!) };
}

describe("the Spark job's lag rows, from the launcher's /healthz", () => {
  it('are the topic ends minus the offsets the job committed, and move as it commits', () => {
    const { view, label } = rowAfter([
      { launcher: up(job({ batch: 3, offsets: { '0': 100, '1': 90, '2': 80 } })), offsets: topic([150, 90, 100]) },
      { launcher: up(job({ batch: 4, offsets: { '0': 150, '1': 90, '2': 90 } })), offsets: topic([150, 90, 100]) },
    ]);
    expect(view.lag?.partitions.map((p) => [p.position, p.end, p.lag])).toEqual([
      [150, 150, 0],
      [90, 90, 0],
      [90, 100, 10],
    ]);
    expect(view.lag?.total).toBe(10);
    expect(view.lag?.consumedPerSecond).toBe(60);
    expect(label).toBe('streamline-users-stream (spark checkpoint, realtime batch 4)');
  });

  it('say "first batch in progress" for Real-time Mode before its first commit: at the log start, not stalled', () => {
    const first = up(job({ batch: null, offsets: null, firstBatchRunning: true }));
    const { view, label } = rowAfter([
      { launcher: first, offsets: topic([100, 100, 100]) },
      { launcher: first, offsets: topic([100, 100, 100]) },
    ]);
    expect(view.lag?.total).toBe(300);
    expect(label).toBe('streamline-users-stream (spark checkpoint, realtime: first batch in progress)');
    expect(lagCell(view, view.lag!.total, view.lag!.lagSeconds, String)).toEqual({ text: 'first batch in progress', warn: false });
  });

  it('after a mode switch, start at the offsets the other mode left', () => {
    const { view } = rowAfter([{ launcher: up(job({ batch: null, offsets: { '0': 100, '1': 90, '2': 80 }, firstBatchRunning: true })), offsets: topic([100, 100, 100]) }]);
    expect(view.lag?.total).toBe(30);
  });

  it('show the position as unknown while the launcher is down: no lag figure, no stall, and no sample', () => {
    const known = up(job({ batch: 3, offsets: { '0': 100, '1': 100, '2': 100 } }));
    const { view, label } = rowAfter([
      { launcher: known, offsets: topic([100, 100, 100]) },
      { launcher: down, offsets: topic([200, 200, 200]) },
    ]);
    expect(view).toMatchObject({ lag: null, batch: null, unknown: 'spark-launcher not running (connection refused)' });
    expect(label).toBe('streamline-users-stream (spark checkpoint, position unknown: spark-launcher not running (connection refused))');
    // Back up: its pace comes from the known samples only (100 records a partition in 2 s).
    const back = rowAfter([
      { launcher: known, offsets: topic([100, 100, 100]) },
      { launcher: down, offsets: topic([200, 200, 200]) },
      { launcher: up(job({ batch: 5, offsets: { '0': 200, '1': 200, '2': 200 } })), offsets: topic([200, 200, 200]) },
    ]).view;
    expect(back.lag).toMatchObject({ total: 0, consumedPerSecond: 150 });
  });

  it('are unknown, saying why, when the launcher has no position or a malformed one', () => {
    const offsets = topic([5, 5, 5]);
    expect(sparkPositions(up(null), 'app', offsets)).toMatchObject({ partitions: {}, unknown: 'the job has not reported its position yet' });
    expect(sparkPositions(undefined, 'app', offsets)).toMatchObject({ unknown: 'no spark-launcher is watched' });
    expect(sparkPositions(up(job({ topic: 'other' })), 'app', offsets)).toMatchObject({ unknown: 'the job reads other, not users_created' });
    const malformed = { ...up(null), health: { status: 'ready', details: { job: { ...job({}), batch: 'three' } } } };
    expect(sparkPositions(malformed, 'app', offsets).unknown).toMatch(/^the launcher's job position is malformed: batch /);
  });
});
