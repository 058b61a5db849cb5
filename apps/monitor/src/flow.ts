// The flow fetched -> staged -> published -> processed -> stored, from the counts sampled at each
// tick: what each stage holds, what it set aside, and the rates over a sliding window.
import { quantilesBetween, type Bucket, type Quantiles } from './histogram-quantile.js';
import { rateOver, seriesOf } from './rates.js';

/** The counts read at one tick; `null`: the source did not answer (or does not exist yet). */
export interface Counts {
  /** Users that reached staging: new (users_raw) plus fetched again (users_refetched). */
  fetched: number | null;
  /** Users in users_raw. */
  staged: number | null;
  /** Users a run fetched that an earlier run had staged (users_refetched). */
  refetched: number | null;
  /** Rejected by the ingestor's validation (its /metrics, counted while it runs). */
  ingestRejected: number | null;
  /** Outbox rows not published yet. */
  unpublished: number | null;
  /** Outbox rows the relay set aside (outbox_dead_letters, when that table exists). */
  outboxDeadLetters: number | null;
  /** Messages written to the created topic (sum of its partitions' end offsets). */
  published: number | null;
  /** Messages written to the processed topic. */
  processed: number | null;
  /** Dead letters by the stage that wrote them (the dlq.stage header). */
  dlqSpark: number | null;
  dlqWriter: number | null;
  dlqOther: number | null;
  /** Users the writer stored (its rounds table, see stored-rounds.ts). */
  stored: number | null;
  /** Records the writer skipped as duplicates within a round (its /metrics). */
  writerDuplicates: number | null;
}

export type CountKey = keyof Counts;

export const STAGES = ['fetched', 'staged', 'published', 'processed', 'stored'] as const;
export type Stage = (typeof STAGES)[number];

/** What each stage shows beside its count: the records it did not pass on, and why. */
export const STAGE_SIDES: Readonly<Record<Stage, ReadonlyArray<{ key: CountKey; label: string }>>> = {
  fetched: [{ key: 'ingestRejected', label: 'rejected (invalid)' }],
  staged: [{ key: 'refetched', label: 'fetched again (kept once)' }],
  published: [
    { key: 'unpublished', label: 'waiting in the outbox' },
    { key: 'outboxDeadLetters', label: 'set aside (outbox dead letters)' },
  ],
  processed: [{ key: 'dlqSpark', label: 'DLQ (spark)' }],
  stored: [
    { key: 'dlqWriter', label: 'DLQ (writer)' },
    { key: 'writerDuplicates', label: 'duplicates skipped' },
  ],
};

/** One tick: the counts, the consumer positions, the writer's latency histogram. */
export interface Sample {
  t: number;
  counts: Counts;
  /** Per consumer group: partition -> { position, end }. */
  groups: Record<string, Record<string, { position: number; end: number }>>;
  /** The writer's streamline_end_to_end_latency_seconds buckets (cumulative), when scraped. */
  latencyBuckets: Bucket[] | null;
  /** When the writer process that counted them started (epoch ms), when its metrics say. */
  writerStartedAt?: number | null;
}

/** What a tick adds for the charts: per-stage rates and the latency quantiles over their windows. */
export interface Derived {
  t: number;
  rates: Record<Stage | 'dlq', number | null>;
  latency: Quantiles;
}

export interface Windows {
  /** Rates are per second over this window. */
  rateMs: number;
  /** Latency quantiles are over the observations of this window. */
  latencyMs: number;
}

const dlqTotal = (c: Counts) => (c.dlqSpark === null && c.dlqWriter === null && c.dlqOther === null ? null : (c.dlqSpark ?? 0) + (c.dlqWriter ?? 0) + (c.dlqOther ?? 0));

/**
 * The writer's histogram at the latency window's start, to subtract from the latest: the newest
 * snapshot at or before `from` by the same writer process. A writer that started within the window
 * counted only the window's users: nothing to subtract (undefined). A monitor younger than the
 * window (no snapshot that old) takes its first snapshot of that process: a shorter window, not
 * none (a monitor started with the pipeline drew no latency for the users of its first minute,
 * then only empty windows). Null: no snapshot to subtract from, no figures.
 */
function latencyBaseline(earlier: readonly Sample[], latest: Sample, from: number): Bucket[] | undefined | null {
  const started = latest.writerStartedAt ?? null;
  if (started !== null && started >= from) return undefined;
  const sameProcess = (s: Sample) => s.latencyBuckets !== null && (s.writerStartedAt ?? null) === started;
  const atStart = earlier.findLast((s) => s.t <= from && sameProcess(s));
  if (atStart) return atStart.latencyBuckets;
  return earlier.find((s) => s.t > from && sameProcess(s))?.latencyBuckets ?? null;
}

/** Rates and latency as of the latest sample of `history`. */
export function derive(history: readonly Sample[], windows: Windows): Derived | null {
  const latest = history.at(-1);
  if (!latest) return null;
  const rate = (value: (s: Sample) => number | null) => rateOver(seriesOf(history, value), windows.rateMs, latest.t);
  const rates = Object.fromEntries(STAGES.map((stage) => [stage, rate((s) => s.counts[stage])])) as Record<Stage, number | null>;
  const baseline = latest.latencyBuckets ? latencyBaseline(history.slice(0, -1), latest, latest.t - windows.latencyMs) : null;
  const latency = latest.latencyBuckets && baseline !== null ? quantilesBetween(latest.latencyBuckets, baseline) : { p50: null, p95: null, p99: null, count: 0 };
  return { t: latest.t, rates: { ...rates, dlq: rate((s) => dlqTotal(s.counts)) }, latency };
}

export interface StageView {
  stage: Stage;
  count: number | null;
  ratePerSecond: number | null;
  sides: Array<{ key: CountKey; label: string; count: number | null }>;
}

/** The five stages as the page shows them, from the latest sample and its derived rates. */
export function flowView(latest: Sample | undefined, derived: Derived | null): StageView[] {
  return STAGES.map((stage) => ({
    stage,
    count: latest?.counts[stage] ?? null,
    ratePerSecond: derived?.rates[stage] ?? null,
    sides: STAGE_SIDES[stage].map(({ key, label }) => ({ key, label, count: latest?.counts[key] ?? null })),
  }));
}

/** Keeps the samples of the last `keepMs` (the charts' 15 minutes), oldest first. */
export function createHistory<T extends { t: number }>(keepMs: number) {
  const items: T[] = [];
  return {
    push(item: T): void {
      items.push(item);
      const cutoff = item.t - keepMs;
      let drop = 0;
      while (drop < items.length && items[drop]!.t < cutoff) drop++;
      if (drop > 0) items.splice(0, drop);
    },
    all: (): readonly T[] => items,
    latest: (): T | undefined => items.at(-1),
  };
}
