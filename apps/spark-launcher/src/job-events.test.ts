import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { jobEventDispatcher } from './job-events.js';
import { createSparkLogForwarder } from './spark-log.js';
import type { JobEvents } from './supervisor.js';

function recorder() {
  const calls: Array<[string, unknown]> = [];
  const events: JobEvents = {
    onQueryStarted: (id) => calls.push(['started', id]),
    onBatch: (b) => calls.push(['batch', b]),
    onProgress: (p) => calls.push(['progress', p]),
    onPosition: (p) => calls.push(['position', p]),
    onJobFailed: (e) => calls.push(['failed', e]),
  };
  const warnings: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (s: string) => warnings.push(JSON.parse(s)) });
  return { calls, warnings, forwarder: createSparkLogForwarder(log, jobEventDispatcher(events, log)) };
}

const line = (msg: string, fields: object) => JSON.stringify({ streamline: 1, level: 'info', msg, component: 'users-stream', time: 1, ...fields });

describe('the job events the launcher acts on', () => {
  it('turns each event line of the job into its typed callback', () => {
    const { calls, forwarder } = recorder();
    forwarder.line(line('query started', { query: 'realtime', mode: 'realtime', sourceTopic: 's', processedTopic: 'p', dlqTopic: 'd', writerSchemaIds: [1], processedSchemaId: 2, checkpoint: '/c', applicationId: 'app-7' }));
    forwarder.line(line('committed position', { query: 'realtime', topic: 's', resumed: true }));
    forwarder.line(line('batch written', { batch: 0, records: 5, processed: 4, dlq: 1, durationMs: 30000 }));
    forwarder.line(line('query progress', { batch: 0, inputRows: 5, inputRowsPerSecond: 0.2, processedRowsPerSecond: 0.2, durationMs: 30000, offsetsBehind: 0 }));
    forwarder.line(line('committed position', { query: 'realtime', topic: 's', batch: 0, offsets: { '0': 2, '1': 3 }, resumed: false }));
    forwarder.line(line('stopping', { reason: 'stop file' }));
    forwarder.line(line('job failed', { error: 'ValueError: x', trace: 'Traceback' }));
    expect(calls).toEqual([
      ['started', 'app-7'],
      ['position', { event: 'committedPosition', query: 'realtime', topic: 's', batch: null, offsets: null, fromQuery: null, resumed: true }],
      ['batch', { batch: 0, records: 5, processed: 4, dlq: 1 }],
      ['progress', { batch: 0, inputRows: 5, inputRowsPerSecond: 0.2, processedRowsPerSecond: 0.2, durationMs: 30000, offsetsBehind: 0 }],
      ['position', { event: 'committedPosition', query: 'realtime', topic: 's', batch: 0, offsets: { '0': 2, '1': 3 }, fromQuery: null, resumed: false }],
      ['failed', 'ValueError: x'],
    ]);
  });

  it('acts on no malformed event, and says once per msg that the job and the launcher disagree', () => {
    const { calls, warnings, forwarder } = recorder();
    forwarder.line(line('batch written', { batch: 0, records: '5', processed: 4, dlq: 1, durationMs: 1 }));
    forwarder.line(line('batch written', { batch: 1, processed: 4, dlq: 1, durationMs: 1 }));
    expect(calls).toEqual([]);
    expect(warnings.filter((w) => w.level === 40).map((w) => w.error)).toEqual(['job event "batch written": field records is not an integer ("5")']);
  });
});
