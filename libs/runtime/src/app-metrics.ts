import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Each app's records through its stage, in Prometheus naming: one `streamline_` prefix, base units,
 * counters ending in `_total`, a `stage` label, never an id as a label.
 */
export interface StageMetrics {
  readonly stage: string;
  /** Records taken in (fetched, claimed, consumed). */
  recordsIn(count: number): void;
  /** Records passed on, by outcome: `ok` (staged, published, stored), `rejected`, `dlq`, `duplicate`. */
  recordsOut(count: number, outcome?: string): void;
  /** A failure, by kind (e.g. `transient`, `fatal`, `retry`). */
  error(kind: string): void;
  /** One batch (round, transaction, micro-batch): its size and how long it took. */
  batch(records: number, seconds: number): void;
}

export interface AppMetrics {
  readonly registry: Registry;
  /**
   * The metrics of one stage. `outcomes`: the other-than-`ok` outcomes it may report, and every
   * stage's `retry` errors, start as zero series, so the dashboard's panels have a line (at 0)
   * before the first one happens.
   */
  stage(stage: string, outcomes?: readonly string[]): StageMetrics;
}

const BATCH_SIZES = [1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, 50_000];
const BATCH_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A registry per app: the process's default metrics (CPU, memory, event loop) plus its stages. */
export function createAppMetrics(app: string): AppMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  const recordsIn = new Counter({ name: 'streamline_records_in_total', help: 'Records taken in by the stage.', labelNames: ['stage'], registers: [registry] });
  const recordsOut = new Counter({ name: 'streamline_records_out_total', help: 'Records passed on by the stage, by outcome.', labelNames: ['stage', 'outcome'], registers: [registry] });
  const errors = new Counter({ name: 'streamline_errors_total', help: 'Failures in the stage, by kind.', labelNames: ['stage', 'kind'], registers: [registry] });
  const batchRecords = new Histogram({ name: 'streamline_batch_records', help: 'Records per batch.', labelNames: ['stage'], buckets: BATCH_SIZES, registers: [registry] });
  const batchSeconds = new Histogram({ name: 'streamline_batch_duration_seconds', help: 'Time to process one batch.', labelNames: ['stage'], buckets: BATCH_SECONDS, registers: [registry] });
  return {
    registry,
    stage(stage, outcomes = []) {
      // Zero series from the start, so a scrape shows the stage before its first record.
      recordsIn.inc({ stage }, 0);
      for (const outcome of ['ok', ...outcomes]) recordsOut.inc({ stage, outcome }, 0);
      errors.inc({ stage, kind: 'retry' }, 0);
      return {
        stage,
        recordsIn: (count) => recordsIn.inc({ stage }, count),
        recordsOut: (count, outcome = 'ok') => recordsOut.inc({ stage, outcome }, count),
        error: (kind) => errors.inc({ stage, kind }),
        batch(records, seconds) {
          batchRecords.observe({ stage }, records);
          batchSeconds.observe({ stage }, seconds);
        },
      };
    },
  };
}
