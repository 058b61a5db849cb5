import hdr from 'hdr-histogram-js';
import { Histogram } from 'prom-client';
import type { AppMetrics } from '@streamline/runtime';
import type { UserProcessed } from '@streamline/user-schema';

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** What the pipeline runner and the periodic log read. Latency is `stored_at - staged_at` in ms. */
export interface WriterStats {
  /** Kafka messages handled (written, skipped as duplicates within a round, or sent to the DLQ). */
  consumed: number;
  /** Upserts Cassandra acknowledged. */
  written: number;
  /** Records not written because a later message of the same round had the same id. */
  duplicates: number;
  dlq: number;
  rounds: number;
  /** Rows per second over the busy span: from the first write's start to the last write's ack (idle time after it is not counted). */
  rowsPerSecond: number;
  latencyMs: LatencySummary;
}

export interface WriterMetrics {
  recordRound(round: { messages: number; users: readonly Pick<UserProcessed, 'staged_at'>[]; duplicates: number; dlq: number }, storedAtMs: number): void;
  stats(): WriterStats;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

/**
 * The writer's counts and latency histogram; with `app`, the same rounds also feed its Prometheus
 * metrics (stage `write`: records in/out by outcome, round sizes and times; the end-to-end latency).
 */
export function createWriterMetrics(now: () => number = Date.now, app?: AppMetrics): WriterMetrics {
  const stage = app?.stage('write', ['duplicate', 'dlq']);
  const e2e = app
    ? new Histogram({ name: 'streamline_end_to_end_latency_seconds', help: 'From staging (staged_at) to the Cassandra ack (stored_at).', buckets: LATENCY_BUCKETS, registers: [app.registry] })
    : undefined;
  // Millisecond latencies from 1 ms up; auto-resizes for outliers (a backlog of hours).
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3, autoResize: true });
  let consumed = 0;
  let written = 0;
  let duplicates = 0;
  let dlq = 0;
  let rounds = 0;
  let firstWriteAt: number | undefined;
  let lastAckAt = 0;
  return {
    recordRound(round, storedAtMs) {
      rounds++;
      consumed += round.messages;
      duplicates += round.duplicates;
      dlq += round.dlq;
      written += round.users.length;
      if (round.users.length > 0) {
        firstWriteAt ??= storedAtMs;
        lastAckAt = now();
      }
      // A staged_at from a skewed clock can be in the future: count it as 0 ms rather than drop it.
      for (const user of round.users) {
        const ms = Math.max(0, Math.round(storedAtMs - user.staged_at));
        histogram.recordValue(ms);
        e2e?.observe(ms / 1000);
      }
      if (stage) {
        stage.recordsIn(round.messages);
        stage.recordsOut(round.users.length, 'ok');
        if (round.duplicates > 0) stage.recordsOut(round.duplicates, 'duplicate');
        if (round.dlq > 0) stage.recordsOut(round.dlq, 'dlq');
        stage.batch(round.messages, Math.max(0, now() - storedAtMs) / 1000);
      }
    },
    stats() {
      const elapsed = firstWriteAt === undefined ? 0 : (lastAckAt - firstWriteAt) / 1000;
      const count = histogram.totalCount;
      return {
        consumed,
        written,
        duplicates,
        dlq,
        rounds,
        rowsPerSecond: elapsed > 0 ? Math.round(written / elapsed) : 0,
        latencyMs: {
          count,
          p50: count ? histogram.getValueAtPercentile(50) : 0,
          p90: count ? histogram.getValueAtPercentile(90) : 0,
          p99: count ? histogram.getValueAtPercentile(99) : 0,
          max: count ? histogram.maxValue : 0,
          mean: count ? Math.round(histogram.mean) : 0,
        },
      };
    },
  };
}
