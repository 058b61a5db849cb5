import { Counter, Gauge } from 'prom-client';
import type { AppMetrics, Health, StageMetrics } from '@streamline/runtime';
import { JOB_POSITION_DETAIL } from '@streamline/spark-job-contract';
import type { LauncherStatus } from './status.js';

/**
 * Turns the launcher's status changes into its metrics (stage `process`: the job's records in,
 * processed and DLQ'd, its micro-batches; Spark's own query progress) and its /healthz (ready while
 * the streaming query runs; the state, restarts, last progress and the job's position in the details). `stage` is
 * returned too: the stall watch counts the job's retried failures there.
 */
export function createLauncherObserver(metrics: AppMetrics, health: Health): { observe: (status: LauncherStatus) => void; stage: StageMetrics } {
  const stage = metrics.stage('process', ['dlq']);
  const registers = [metrics.registry];
  const offsetsBehind = new Gauge({ name: 'streamline_spark_offsets_behind_records', help: 'Records on the source topic the query has not read yet (Kafka source metrics).', registers });
  const inputRate = new Gauge({ name: 'streamline_spark_input_rows_per_second', help: 'Input rate of the last micro-batch, as Spark reports it.', registers });
  const processRate = new Gauge({ name: 'streamline_spark_processed_rows_per_second', help: 'Processing rate of the last micro-batch, as Spark reports it.', registers });
  const restarts = new Counter({ name: 'streamline_spark_job_restarts_total', help: 'Restarts of the Spark job after a failure.', registers });
  const running = new Gauge({ name: 'streamline_spark_query_running', help: '1 while the streaming query runs.', registers });
  let seenBatch: number | undefined;
  let seenProgress: number | undefined;
  let seenRestarts = 0;
  let last: LauncherStatus | undefined;
  health.details(() => ({
    state: last?.state,
    applicationId: last?.applicationId,
    restarts: last?.restarts,
    lastBatch: last?.lastBatch,
    progress: last?.progress,
    // The job's committed position: the monitor computes the job's lag from it (null: not reported yet).
    [JOB_POSITION_DETAIL]: last?.job ?? null,
    error: last?.error,
  }));
  const observe = (status: LauncherStatus) => {
    last = status;
    const b = status.lastBatch;
    if (b && b.batch !== seenBatch) {
      seenBatch = b.batch;
      stage.recordsIn(b.records);
      stage.recordsOut(b.processed, 'ok');
      if (b.dlq > 0) stage.recordsOut(b.dlq, 'dlq');
    }
    const p = status.progress;
    if (p && p.batch !== seenProgress) {
      seenProgress = p.batch;
      stage.batch(p.inputRows, p.durationMs / 1000);
      inputRate.set(p.inputRowsPerSecond);
      processRate.set(p.processedRowsPerSecond);
      if (p.offsetsBehind !== null) offsetsBehind.set(p.offsetsBehind);
    }
    if (status.restarts > seenRestarts) {
      restarts.inc(status.restarts - seenRestarts);
      seenRestarts = status.restarts;
    }
    running.set(status.state === 'running' ? 1 : 0);
    if (status.state === 'running') {
      health.started();
      health.up('spark-job');
    } else if (status.state === 'backoff' || status.state === 'failed') {
      health.down('spark-job', status.error ?? status.state);
    }
  };
  return { observe, stage };
}
