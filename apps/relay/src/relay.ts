import type { Producer } from 'kafkajs';
import type { AvroSerde, PgPool } from '@streamline/clients';
import { DependencyError, type DependencyRetry, type Logger, type StageMetrics } from '@streamline/runtime';
import { claimOutboxBatch, type OutboxRow } from '@streamline/staging';
import type { UserCreated } from '@streamline/user-schema';
import { UnroutableRowError } from './errors.js';
import type { Wakeup } from './outbox-wakeup.js';

export interface Publisher {
  producer: Pick<Producer, 'sendBatch'>;
  /** The serde of each routed topic. */
  serdes: ReadonlyMap<string, Pick<AvroSerde<UserCreated>, 'serialize'>>;
  /** aggregatetype -> topic (Debezium's outbox event router: `route.by.field=aggregatetype`). */
  routes: ReadonlyMap<string, string>;
}

export interface RelayDeps extends Publisher {
  pool: PgPool;
  wakeup: Pick<Wakeup, 'wait'>;
  log: Logger;
  signal: AbortSignal;
  /** Runs a round again while PostgreSQL, Kafka or the registry is away (the claim rolled back). */
  retry: DependencyRetry;
  metrics?: StageMetrics;
  batchSize: number;
  pollIntervalMs: number;
  /** Drain the outbox and return instead of waiting for more (used by `--once`). */
  once?: boolean;
  onPublished?: (count: number) => void;
}

/**
 * Encodes claimed rows and produces each to the topic its `aggregatetype` routes to, keyed by
 * `aggregateid`, with the event's `id` and `type` as headers (as Debezium's router sends them);
 * resolves only once the broker acknowledged all.
 */
export async function publishRows(deps: Publisher, rows: OutboxRow[]): Promise<void> {
  const routed = rows.map((row) => {
    const topic = deps.routes.get(row.aggregatetype);
    const serde = topic === undefined ? undefined : deps.serdes.get(topic);
    if (topic === undefined || serde === undefined) throw new UnroutableRowError(row.seq, row.aggregatetype, [...deps.routes.keys()]);
    return { row, topic, serde };
  });
  // Encoded together (the writer schema is cached after the first lookup), not one await after another.
  const messages = await Promise.all(
    routed.map(async ({ row, topic, serde }) => {
      try {
        return { topic, message: { key: row.aggregateid, value: await serde.serialize(row.payload as unknown as UserCreated), headers: { id: row.id, type: row.type } } };
      } catch (error) {
        throw new DependencyError('schema-registry', `encoding outbox row seq ${row.seq} for ${topic} failed`, error);
      }
    }),
  );
  const byTopic = new Map<string, Array<(typeof messages)[number]['message']>>();
  for (const { topic, message } of messages) {
    const list = byTopic.get(topic);
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
  }
  try {
    // acks=-1 (all in-sync replicas); the idempotent producer keeps retries from duplicating.
    await deps.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  } catch (error) {
    throw new DependencyError('kafka', `producing ${rows.length} outbox rows failed`, error);
  }
}

/**
 * The relay loop: drain the outbox in claimed batches, then sleep until NOTIFY (or the poll
 * interval) says there is more. A round that fails because a server is away rolled back its claim
 * and runs again once the server is back. Returns the number of rows published.
 */
export async function runRelay(deps: RelayDeps): Promise<number> {
  let published = 0;
  while (!deps.signal.aborted) {
    const started = performance.now();
    // What fails outside the publish is PostgreSQL's (claim, mark, commit).
    const n = await deps.retry('publish an outbox batch', () => claimOutboxBatch(deps.pool, deps.batchSize, (rows) => publishRows(deps, rows)), 'postgres');
    if (n > 0) {
      published += n;
      deps.metrics?.recordsIn(n);
      deps.metrics?.recordsOut(n);
      deps.metrics?.batch(n, (performance.now() - started) / 1000);
      deps.onPublished?.(n);
      deps.log.debug({ rows: n, total: published }, 'published batch');
      continue;
    }
    if (deps.once) break;
    await deps.wakeup.wait(deps.pollIntervalMs, deps.signal);
  }
  return published;
}
