// The Spark job's position on its source topic. Structured Streaming commits no consumer-group
// offsets: it keeps them in its checkpoint (`<checkpoint>/<query>`, see apps/spark-job/README.md).
// `offsets/<N>` holds where batch N ends, per source; `commits/<N>` exists once batch N is
// written. So the latest committed batch's offsets are the job's "committed offsets". In Real-time
// Mode a batch lasts minutes (5 by default): its records are out long before its commit, so this
// position trails the records it has already processed by up to one batch.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { JOB_QUERY_NAMES } from '@streamline/spark-job-contract';

/**
 * The job's queries, one per mode, each its checkpoint's subdirectory (named in the job's contract,
 * libs/spark-job-contract); the default mode's first.
 */
export const SPARK_QUERY_NAMES = [JOB_QUERY_NAMES.realtime, JOB_QUERY_NAMES.microbatch] as const;

export interface SparkPosition {
  /** The query (mode) whose checkpoint this is. */
  query: (typeof SPARK_QUERY_NAMES)[number];
  batch: number;
  /** Next offset per partition of the source topic. */
  offsets: Record<string, number>;
}

/**
 * The offsets of `topic` in one `offsets/<N>` file: a version line (`v1`), the batch metadata
 * (JSON), then one JSON line per source, `{"<topic>":{"<partition>":<offset>}}`. `null` when the
 * file names no such topic.
 */
export function parseOffsetSeq(text: string, topic: string): Record<string, number> | null {
  const [version, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  if (!version || !/^v\d+$/.test(version.trim())) throw new Error(`not a Spark offsets file (first line ${JSON.stringify(version ?? '')})`);
  for (const line of lines.slice(1)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // another source kind writes its offsets in its own format
    }
    const offsets = (parsed as Record<string, unknown> | null)?.[topic];
    if (offsets && typeof offsets === 'object') {
      return Object.fromEntries(Object.entries(offsets as Record<string, unknown>).map(([p, o]) => [p, Number(o)]));
    }
  }
  return null;
}

/** The highest batch number among a metadata log's file names (`0`, `1`, ...; temp files ignored). */
export function latestBatch(names: readonly string[]): number | null {
  let best: number | null = null;
  for (const name of names) if (/^\d+$/.test(name) && (best === null || Number(name) > best)) best = Number(name);
  return best;
}

const missing = (error: NodeJS.ErrnoException) => {
  if (error.code === 'ENOENT') return null;
  throw error;
};

/** One query's latest committed batch and when it was committed, or null before its first commit. */
async function latestCommit(query: string): Promise<{ batch: number; at: number } | null> {
  const commits = await readdir(join(query, 'commits')).catch(missing);
  const batch = commits && latestBatch(commits);
  if (batch === null || batch === undefined) return null;
  const committed = await stat(join(query, 'commits', String(batch))).catch(missing);
  return committed && { batch, at: committed.mtimeMs };
}

/**
 * Where the job stands on `topic`: the offsets of the latest committed batch of whichever mode's
 * query committed last (after a switch, the other mode's checkpoint stays behind, unused). `null`
 * when no batch was committed yet (or there is no checkpoint here: the monitor runs on another
 * machine than the driver).
 */
export async function readSparkPosition(checkpointDir: string, topic: string): Promise<SparkPosition | null> {
  let newest: { query: SparkPosition['query']; batch: number; at: number } | null = null;
  for (const query of SPARK_QUERY_NAMES) {
    const commit = await latestCommit(join(checkpointDir, query));
    if (commit && (!newest || commit.at > newest.at)) newest = { query, ...commit };
  }
  if (!newest) return null;
  const offsets = parseOffsetSeq(await readFile(join(checkpointDir, newest.query, 'offsets', String(newest.batch)), 'utf8'), topic);
  return offsets ? { query: newest.query, batch: newest.batch, offsets } : null;
}

/**
 * The query whose first batch is running (its checkpoint begun, nothing committed yet), or null. A
 * query writes `metadata` when it starts; a Real-time Mode one writes `offsets/<N>` only at batch
 * N's end, with `commits/<N>` (seen on the local stack: both at 16:47:36 for a query started at
 * 16:42:25), so within its first (5-minute) batch it has no offsets file at all, and its position
 * reads as the log start though its records are already out.
 */
export async function firstBatchRunning(checkpointDir: string): Promise<SparkPosition['query'] | null> {
  for (const query of SPARK_QUERY_NAMES) {
    const dir = join(checkpointDir, query);
    const begun = (await stat(join(dir, 'metadata')).catch(missing)) !== null || latestBatch((await readdir(join(dir, 'offsets')).catch(missing)) ?? []) !== null;
    if (begun && !(await latestCommit(dir))) return query;
  }
  return null;
}
