import type { Consumer, EachBatchPayload } from 'kafkajs';
import { describeError, type Logger, type StallWatch } from '@streamline/runtime';
import { WriterCrashedError } from './errors.js';
import { chunk, planRound, refusedEntries, type WriteRound } from './batch-plan.js';
import type { DlqSink } from './dlq.js';
import { decodeUserMessage, type UserDeserializer } from './user-record.js';
import type { UserStore } from './user-store.js';
import type { WriterMetrics } from './writer-metrics.js';

export interface BatchHandlerDeps {
  serde: UserDeserializer;
  store: UserStore;
  dlq: DlqSink;
  metrics: WriterMetrics;
  log: Logger;
  /** Messages per write round (the unit that is written, DLQ'd and committed). */
  batchSize: number;
  /** Hears of each round that failed (it is retried on the same records) and of each that went through. */
  stall?: StallWatch;
  now?: () => number;
}

/** The subset of kafkajs' eachBatch payload the handler uses (tests pass fakes). */
export type BatchPayload = Pick<EachBatchPayload, 'resolveOffset' | 'heartbeat' | 'commitOffsetsIfNecessary' | 'isRunning' | 'isStale'> & {
  batch: Pick<EachBatchPayload['batch'], 'topic' | 'partition' | 'messages'>;
};

/**
 * The eachBatch handler. Per round of `batchSize` messages, in offset order:
 *  1. decode every message (bad ones become DLQ entries, the stream never stalls on them);
 *  2. upsert the records concurrently (bounded) and send the DLQ entries, awaiting both acks; a
 *     record Cassandra refuses even alone (see user-store.ts) then goes to the DLQ too, with the reason;
 *  3. only then resolve the round's last offset and commit offset + 1 for the partition;
 *  4. heartbeat, and stop between rounds when the consumer is stopping or the partition was seeked.
 * A failure anywhere throws before the commit: kafkajs retries from the last committed round, and
 * the replayed upserts rewrite the same rows. `stall` hears of it, so a round that keeps failing
 * is counted and, past its bound, reported (never a silent stall).
 */
export function createBatchHandler(deps: BatchHandlerDeps): (payload: BatchPayload) => Promise<void> {
  const now = deps.now ?? Date.now;
  return async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
    const { topic, partition } = batch;
    const key = `${topic}[${partition}]`;
    for (const messages of chunk(batch.messages, deps.batchSize)) {
      if (!isRunning() || isStale()) break;
      try {
        const decoded = await Promise.all(messages.map((m) => decodeUserMessage(deps.serde, m.value)));
        const round = planRound(topic, partition, messages, decoded);
        const storedAt = new Date(now());
        const [{ refused }] = await Promise.all([deps.store.write(round.users, storedAt), deps.dlq.send(round.invalid)]);
        const refusedDlq = refusedEntries(topic, partition, messages, decoded, refused);
        await deps.dlq.send(refusedDlq);
        resolveOffset(round.lastOffset);
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: round.commitOffset }] }] });
        const gone = new Set(refused.map((r) => r.id));
        const stored = gone.size > 0 ? round.users.filter((u) => !gone.has(u.id)) : round.users;
        deps.metrics.recordRound({ messages: round.messages, users: stored, duplicates: round.duplicates, dlq: round.invalid.length + refusedDlq.length }, storedAt.getTime());
        logRound(deps.log, topic, partition, { ...round, invalid: [...round.invalid, ...refusedDlq] });
      } catch (error) {
        deps.stall?.failed(key, `offset ${messages[0]!.offset}`, error);
        throw error;
      }
      deps.stall?.passed(key);
      await heartbeat();
    }
  };
}

function logRound(log: Logger, topic: string, partition: number, round: WriteRound): void {
  if (round.invalid.length > 0) {
    for (const entry of round.invalid) log.warn({ topic, partition, offset: entry.offset, reason: entry.reason }, 'message sent to the DLQ');
  }
  log.debug({ topic, partition, from: round.firstOffset, to: round.lastOffset, written: round.users.length, dlq: round.invalid.length }, 'round committed');
}

export interface RunningWriter {
  /** Stops fetching, lets the round in flight finish and commit, then resolves. */
  stop(): Promise<void>;
  /** Resolves after `stop()`; rejects if the consumer crashed for good (kafkajs gave up restarting it). */
  readonly done: Promise<void>;
}

/**
 * Subscribes and runs the consumer with the batch handler. Offsets are committed by the handler
 * only (autoCommit off); kafkajs heartbeats, retries a failed batch and restarts after retriable crashes.
 */
export async function runCassandraWriter(options: {
  consumer: Pick<Consumer, 'subscribe' | 'run' | 'stop' | 'on' | 'events'>;
  topic: string;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  handler: (payload: BatchPayload) => Promise<void>;
  log: Logger;
}): Promise<RunningWriter> {
  const { consumer, log } = options;
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error({ err: describeError(payload.error), restart: payload.restart }, 'consumer crashed');
    if (!payload.restart) settle.reject(new WriterCrashedError(`consumer crashed: ${describeError(payload.error)}`, { cause: payload.error }));
  });
  await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    eachBatch: options.handler,
  });
  let stopping: Promise<void> | undefined;
  return {
    done,
    stop() {
      stopping ??= consumer.stop().then(() => settle.resolve());
      return stopping;
    },
  };
}
