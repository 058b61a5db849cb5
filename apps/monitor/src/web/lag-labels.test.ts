import { describe, expect, it } from 'vitest';
import { groupLabel, lagCell } from './lag-labels.js';

const seconds = (s: number | null) => (s === null ? '–' : `${s} s`);

describe('lag labels', () => {
  it('says a Real-time Mode job within its first batch is in it, not stalled', () => {
    const first = { group: 'streamline-spark', kind: 'spark checkpoint' as const, batch: null, checkpointedPerBatch: true, unknown: null };
    expect(groupLabel(first)).toBe('streamline-spark (spark checkpoint, realtime: first batch in progress)');
    expect(lagCell(first, 3000, null, seconds)).toEqual({ text: 'first batch in progress', warn: false });
  });

  it('says a Real-time Mode lag waits for the batch end once a batch is committed', () => {
    const later = { group: 'streamline-spark', kind: 'spark checkpoint' as const, batch: 4, checkpointedPerBatch: true, unknown: null };
    expect(groupLabel(later)).toBe('streamline-spark (spark checkpoint, realtime batch 4)');
    expect(lagCell(later, 120, null, seconds)).toEqual({ text: 'at batch end', warn: false });
  });

  it('calls a consumer that is behind and not moving stalled, in orange; otherwise gives its seconds', () => {
    const group = { group: 'writer', kind: 'consumer group' as const, batch: null, checkpointedPerBatch: false, unknown: null };
    expect(groupLabel(group)).toBe('writer (consumer group)');
    expect(lagCell(group, 10, null, seconds)).toEqual({ text: 'stalled', warn: true });
    expect(lagCell(group, 10, 2, seconds)).toEqual({ text: '2 s', warn: false });
    expect(lagCell(group, 0, 0, seconds)).toEqual({ text: '0 s', warn: false });
  });

  it("names why the Spark job's position is unknown, with no batch", () => {
    const down = { group: 'streamline-spark', kind: 'spark checkpoint' as const, batch: null, checkpointedPerBatch: false, unknown: 'spark-launcher not running (connection refused)' };
    expect(groupLabel(down)).toBe('streamline-spark (spark checkpoint, position unknown: spark-launcher not running (connection refused))');
  });
});
