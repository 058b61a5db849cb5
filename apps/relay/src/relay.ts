import type { Producer } from 'kafkajs';
import { RecordEncodeError, type AvroSerde, type PgPool } from '@streamline/clients';
import { DependencyError, type DependencyRetry, type Logger, type StageMetrics } from '@streamline/runtime';
import { claimOutboxBatch, type OutboxRow, type SetAside } from '@streamline/staging';
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

type Encoded = { topic: string; message: { key: string; value: Buffer; headers: Record<string, string> } };

/**
 * Encodes claimed rows and produces each to the topic its `aggregatetype` routes to, keyed by
 * `aggregateid`, with the event's `id` and `type` as headers (as Debezium's router sends them);
 * resolves only once the broker acknowledged all. Rows that can never be sent (no route, or a
 * payload the schema cannot encode) are not sent and come back with their reason, to be set aside;
 * a server that is away rejects the whole round (it rolls back and runs again).
 */
export async function publishRows(deps: Publisher, rows: OutboxRow[]): Promise<SetAside[]> {
  const setAside: SetAside[] = [];
  // Encoded together (the writer schema is cached after the first lookup), not one await after another.
  const encoded = await Promise.all(
    rows.map(async (row): Promise<Encoded | undefined> => {
      const topic = deps.routes.get(row.aggregatetype);
      const serde = topic === undefined ? undefined : deps.serdes.get(topic);
      if (topic === undefined || serde === undefined) {
        setAside.push({ seq: row.seq, reason: new UnroutableRowError(row.seq, row.aggregatetype, [...deps.routes.keys()]).message });
        return undefined;
      }
      try {
        return { topic, message: { key: row.aggregateid, value: await serde.serialize(row.payload as unknown as UserCreated), headers: { id: row.id, type: row.type } } };
      } catch (error) {
        if (error instanceof RecordEncodeError) {
          setAside.push({ seq: row.seq, reason: `outbox row seq ${row.seq} (id ${row.id}) payload ${error.message}` });
          return undefined;
        }
        throw new DependencyError('schema-registry', `encoding outbox row seq ${row.seq} for ${topic} failed`, error);
      }
    }),
  );
  const byTopic = new Map<string, Array<Encoded['message']>>();
  for (const item of encoded) {
    if (!item) continue;
    const list = byTopic.get(item.topic);
    if (list) list.push(item.message);
    else byTopic.set(item.topic, [item.message]);
  }
  if (byTopic.size > 0) {
    try {
      // acks=-1 (all in-sync replicas); the idempotent producer keeps retries from duplicating.
      await deps.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (error) {
      throw new DependencyError('kafka', `producing ${rows.length - setAside.length} outbox rows failed`, error);
    }
  }
  return setAside.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
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
    const round = await deps.retry('publish an outbox batch', () => claimOutboxBatch(deps.pool, deps.batchSize, (rows) => publishRows(deps, rows)), 'postgres');
    // Logged once the round committed (a round that rolled back sets nothing aside).
    for (const row of round.setAside) deps.log.error({ seq: row.seq, reason: row.reason }, 'outbox row set aside in outbox_dead_letters');
    if (round.claimed > 0) {
      published += round.published;
      deps.metrics?.recordsIn(round.claimed);
      deps.metrics?.recordsOut(round.published);
      if (round.setAside.length > 0) deps.metrics?.recordsOut(round.setAside.length, 'dead_letter');
      deps.metrics?.batch(round.claimed, (performance.now() - started) / 1000);
      if (round.published > 0) deps.onPublished?.(round.published);
      deps.log.debug({ rows: round.published, setAside: round.setAside.length, total: published }, 'published batch');
      continue;
    }
    if (deps.once) break;
    await deps.wakeup.wait(deps.pollIntervalMs, deps.signal);
  }
  return published;
}
