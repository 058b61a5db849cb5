import type { Producer } from 'kafkajs';
import type { AvroSerde, PgPool } from '@streamline/clients';
import type { Logger } from '@streamline/runtime';
import { claimOutboxBatch, type OutboxRow } from '@streamline/staging';
import type { UserCreated } from '@streamline/user-schema';
import type { Wakeup } from './outbox-wakeup.js';

export interface RelayDeps {
  pool: PgPool;
  producer: Pick<Producer, 'sendBatch'>;
  serde: Pick<AvroSerde<UserCreated>, 'serialize'>;
  wakeup: Pick<Wakeup, 'wait'>;
  log: Logger;
  signal: AbortSignal;
  topic: string;
  batchSize: number;
  pollIntervalMs: number;
  /** Drain the outbox and return instead of waiting for more (used by `--once`). */
  once?: boolean;
  onPublished?: (count: number) => void;
}

/** Encodes claimed rows and produces them; resolves only once the broker acknowledged all. */
export async function publishRows(deps: Pick<RelayDeps, 'producer' | 'serde' | 'topic'>, rows: OutboxRow[]): Promise<void> {
  const messages = await Promise.all(
    rows.map(async (row) => ({
      key: row.aggregateid,
      value: await deps.serde.serialize(row.payload as unknown as UserCreated),
      headers: { id: row.id, type: 'UserCreated' },
    })),
  );
  // acks=-1 (all in-sync replicas); the idempotent producer keeps retries from duplicating.
  await deps.producer.sendBatch({ acks: -1, topicMessages: [{ topic: deps.topic, messages }] });
}

/**
 * The relay loop: drain the outbox in claimed batches, then sleep until NOTIFY (or the poll
 * interval) says there is more. Returns the number of rows published.
 */
export async function runRelay(deps: RelayDeps): Promise<number> {
  let published = 0;
  while (!deps.signal.aborted) {
    const n = await claimOutboxBatch(deps.pool, deps.batchSize, (rows) => publishRows(deps, rows));
    if (n > 0) {
      published += n;
      deps.onPublished?.(n);
      deps.log.debug({ rows: n, total: published }, 'published batch');
      continue;
    }
    if (deps.once) break;
    await deps.wakeup.wait(deps.pollIntervalMs, deps.signal);
  }
  return published;
}
