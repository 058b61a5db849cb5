// The job's events (its JSON lines whose msg the contract declares, libs/spark-job-contract) turned
// into the supervisor's callbacks. A declared event with a bad field is a contract mismatch between
// the job and the launcher: said once per msg at warn, and not acted on.
import type { Logger } from '@streamline/runtime';
import { checkJobEvent } from '@streamline/spark-job-contract';
import type { JobEvents } from './supervisor.js';

/** The `onJobLine` of the log forwarder (spark-log.ts): each job line that is an event calls `events`. */
export function jobEventDispatcher(events: JobEvents, log: Logger): (msg: string, fields: Record<string, unknown>) => void {
  const warned = new Set<string>();
  return (msg, fields) => {
    const checked = checkJobEvent(msg, fields);
    if (checked === null) return;
    if ('error' in checked) {
      if (!warned.has(msg)) log.warn({ error: checked.error }, 'a job event the launcher cannot read: the job and the launcher disagree on libs/spark-job-contract');
      warned.add(msg);
      return;
    }
    const e = checked.event;
    switch (e.event) {
      case 'queryStarted':
        return events.onQueryStarted(e.applicationId);
      case 'committedPosition':
        return events.onPosition(e);
      case 'batchWritten':
        return events.onBatch({ batch: e.batch, records: e.records, processed: e.processed, dlq: e.dlq });
      case 'queryProgress': {
        const { event: _event, ...progress } = e;
        return events.onProgress(progress);
      }
      case 'jobFailed':
        return events.onJobFailed(e.error);
    }
  };
}
