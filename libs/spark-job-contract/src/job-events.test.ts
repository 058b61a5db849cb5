import { describe, expect, it } from 'vitest';
import { readContract } from '../scripts/generate-job-options.js';
import { checkJobEvent, JOB_EVENT_MSGS, parseJobEvent } from './job-events.js';

describe('parseJobEvent', () => {
  it('knows every event of the contract by its msg', () => {
    expect(Object.entries(JOB_EVENT_MSGS)).toEqual(Object.entries(readContract().events).map(([name, e]) => [name, e.msg]));
  });

  it('types a committed position after a batch, and one at the start with nothing committed', () => {
    const line = { query: 'realtime', topic: 'users_created', batch: 4, offsets: { '0': 120, '1': 98 }, resumed: false, applicationId: 'extra' };
    expect(parseJobEvent('committed position', line)).toEqual({
      event: 'committedPosition',
      query: 'realtime',
      topic: 'users_created',
      batch: 4,
      offsets: { '0': 120, '1': 98 },
      fromQuery: null,
      resumed: false,
    });
    expect(parseJobEvent('committed position', { query: 'realtime', topic: 't', batch: null, resumed: true })).toMatchObject({ batch: null, offsets: null, resumed: true });
  });

  it('types the other events the launcher acts on, optional fields null when absent', () => {
    expect(parseJobEvent('batch written', { batch: 3, records: 5, processed: 4, dlq: 1, durationMs: 900 })).toEqual({
      event: 'batchWritten',
      batch: 3,
      records: 5,
      processed: 4,
      dlq: 1,
      durationMs: 900,
      unknownSchemaIds: null,
    });
    expect(parseJobEvent('query progress', { batch: 7, inputRows: 1200, inputRowsPerSecond: 240, processedRowsPerSecond: 800.5, durationMs: 1500, offsetsBehind: null })).toMatchObject({
      event: 'queryProgress',
      processedRowsPerSecond: 800.5,
      offsetsBehind: null,
    });
    expect(parseJobEvent('job failed', { error: 'ValueError: bad', trace: 'Traceback' })).toEqual({ event: 'jobFailed', error: 'ValueError: bad', trace: 'Traceback' });
  });

  it('is null for a line that is no event', () => {
    expect(parseJobEvent('stopping', { reason: 'stop file' })).toBeNull();
    expect(checkJobEvent('stopping', {})).toBeNull();
  });

  it.each([
    ['batch written', { batch: 3, records: 5, processed: 4, durationMs: 1 }, 'job event "batch written": field dlq is missing'],
    ['batch written', { batch: 3.5, records: 5, processed: 4, dlq: 1, durationMs: 1 }, 'job event "batch written": field batch is not an integer (3.5)'],
    ['committed position', { query: 'realtime', topic: 't', offsets: { a: 1 }, resumed: false }, 'job event "committed position": field offsets is not offsets by partition ({"a":1})'],
    ['committed position', { query: 'realtime', topic: 't', offsets: { '0': -1 }, resumed: false }, 'job event "committed position": field offsets is not offsets by partition ({"0":-1})'],
    ['query started', { query: 'q', mode: 'm', sourceTopic: 's', processedTopic: 'p', dlqTopic: 'd', writerSchemaIds: [1, 'x'], processedSchemaId: 2, checkpoint: 'c', applicationId: 'a' }, 'job event "query started": field writerSchemaIds is not a list of integers ([1,"x"])'],
  ])('refuses "%s" with %j, saying which field', (msg, fields, error) => {
    expect(checkJobEvent(msg, fields)).toEqual({ error });
    expect(parseJobEvent(msg, fields)).toBeNull();
  });
});
