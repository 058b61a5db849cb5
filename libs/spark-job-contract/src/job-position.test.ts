import { describe, expect, it } from 'vitest';
import { parseJobEvent, type CommittedPositionEvent } from './job-events.js';
import { jobPositionOf, readJobPosition } from './job-position.js';

const at = new Date('2026-12-07T03:00:00.000Z');
const event = (fields: object) => parseJobEvent('committed position', { topic: 'users_created', resumed: false, ...fields }) as CommittedPositionEvent;

describe('the job position of the launcher /healthz', () => {
  it('is the committed batch and its offsets, with the mode of its query', () => {
    expect(jobPositionOf(event({ query: 'cleanse', batch: 7, offsets: { '0': 10, '1': 12 } }), at)).toEqual({
      mode: 'microbatch',
      query: 'cleanse',
      topic: 'users_created',
      batch: 7,
      offsets: { '0': 10, '1': 12 },
      at: '2026-12-07T03:00:00.000Z',
      firstBatchRunning: false,
    });
  });

  it('says a Real-time Mode query before its first commit runs its first batch', () => {
    expect(jobPositionOf(event({ query: 'realtime', resumed: true }), at)).toMatchObject({ mode: 'realtime', batch: null, offsets: null, firstBatchRunning: true });
    expect(jobPositionOf(event({ query: 'realtime', batch: 0, offsets: { '0': 5 } }), at)).toMatchObject({ firstBatchRunning: false });
    expect(jobPositionOf(event({ query: 'cleanse', resumed: true }), at)).toMatchObject({ firstBatchRunning: false });
    expect(jobPositionOf(event({ query: 'other' }), at)).toBeNull();
  });

  it('reads back what the launcher serves, and names what is wrong otherwise', () => {
    const position = jobPositionOf(event({ query: 'realtime', batch: 3, offsets: { '0': 5 } }), at)!;
    expect(readJobPosition(JSON.parse(JSON.stringify({ state: 'running', job: position })))).toEqual({ position });
    expect(readJobPosition({ state: 'starting' })).toEqual({ error: 'the job has not reported its position yet' });
    expect(readJobPosition(undefined)).toEqual({ error: 'the job has not reported its position yet' });
    expect(readJobPosition({ job: { ...position, offsets: { '0': -3 } } })).toEqual({ error: "the launcher's job position is malformed: offsets.0 Too small: expected number to be >=0" });
  });
});
