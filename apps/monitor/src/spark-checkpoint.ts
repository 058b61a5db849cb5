// The Spark job's position on its source topic. Structured Streaming commits no consumer-group
// offsets: it keeps them in its checkpoint (`<checkpoint>/cleanse`, see apps/spark-job/README.md).
// `offsets/<N>` holds where batch N ends, per source; `commits/<N>` exists once batch N is
// written. So the latest committed batch's offsets are the job's "committed offsets".
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The streaming query's name: its checkpoint's subdirectory (QUERY_NAME in apps/spark-job/streamline_job/stream.py). */
export const SPARK_QUERY_NAME = 'cleanse';

export interface SparkPosition {
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

/**
 * Where the job stands on `topic`, from `<checkpointDir>/cleanse`: the offsets of its latest
 * committed batch. `null` when no batch was committed yet (or there is no checkpoint here: the
 * monitor runs on another machine than the driver).
 */
export async function readSparkPosition(checkpointDir: string, topic: string): Promise<SparkPosition | null> {
  const query = join(checkpointDir, SPARK_QUERY_NAME);
  const commits = await readdir(join(query, 'commits')).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const batch = commits && latestBatch(commits);
  if (batch === null || batch === undefined) return null;
  const offsets = parseOffsetSeq(await readFile(join(query, 'offsets', String(batch)), 'utf8'), topic);
  return offsets ? { batch, offsets } : null;
}
