// The Spark job's position on the created topic. Structured Streaming commits no consumer-group
// offsets: the job reports its committed position (each committed batch's end offsets, see
// apps/spark-job/streamline_job/committed_position.py) to its launcher, which serves the latest in
// its /healthz (`details.job`). The monitor takes it from the probe of the launcher it makes each
// tick, so it needs no access to the job's checkpoint (it may run on another machine than the
// driver). In Real-time Mode a batch lasts minutes (5 by default): its records are out long before
// its commit, so this position trails the records it has already processed by up to one batch.
import { readJobPosition } from '@streamline/spark-job-contract';
import type { AppProbe } from './app-probe.js';
import type { GroupPositions, TopicOffsets } from './kafka-state.js';
import { positionOf } from './lag-seconds.js';

/**
 * The job's positions against the topic's ends, from the launcher's probe. Unknown (no partitions, a
 * reason) when the launcher does not answer or the job has not reported yet: never read as the log
 * start, which would show every record as lag. Before the query's first commit it stands at the
 * offsets it started from (the other mode's, after a mode switch), else at the log start.
 */
export function sparkPositions(launcher: Pick<AppProbe, 'health' | 'error' | 'state'> | undefined, appName: string, offsets: TopicOffsets): GroupPositions {
  const out: GroupPositions = { group: appName, kind: 'spark checkpoint', topic: offsets.topic, partitions: {} };
  if (!launcher) return { ...out, unknown: 'no spark-launcher is watched' };
  if (launcher.health === null) return { ...out, unknown: `spark-launcher ${launcher.error ?? launcher.state}` };
  const read = readJobPosition(launcher.health.details);
  if ('error' in read) return { ...out, unknown: read.error };
  const job = read.position;
  if (job.topic !== offsets.topic) return { ...out, unknown: `the job reads ${job.topic}, not ${offsets.topic}` };
  if (job.batch !== null) out.batch = job.batch;
  // Real-time Mode's position moves only at each batch end; in its first batch it has none yet (firstBatchRunning).
  out.checkpointedPerBatch = job.mode === 'realtime';
  for (const p of offsets.partitions ?? []) {
    out.partitions[p.partition] = { position: positionOf(job.offsets?.[p.partition] ?? null, p.low, p.high, true), end: p.high };
  }
  return out;
}
