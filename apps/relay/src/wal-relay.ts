import { randomUUID } from 'node:crypto';
import { lsnToBigInt, type OutboxBatch, type OutboxStream, type SetAside, type StreamedOutboxRow } from '@streamline/staging';
import { publishWatched, reportRound, type RelayLoopDeps } from './relay.js';

/** The slot's bookkeeping in PostgreSQL (libs/staging's outbox-slot functions, or a fake in unit tests). */
export interface WalPositionStore {
  /** The recorded position (where the stream resumes) and whether the table's older rows were published. */
  read(): Promise<{ lsn: string | null; caughtUp: boolean }>;
  /** After the broker's ack: the rows set aside go to outbox_dead_letters and the position moves, in one transaction. */
  record(position: { lsn: string; maxSeq: string | null }, setAside: ReadonlyArray<SetAside & { row: StreamedOutboxRow }>): Promise<void>;
  markCaughtUp(): Promise<void>;
  /** A WAL marker (`relay --once` drains up to it). */
  emitMarker(content: string): Promise<void>;
}

export interface WalRelayDeps extends RelayLoopDeps {
  openStream: (startLsn: string | null) => Promise<OutboxStream>;
  store: WalPositionStore;
  /**
   * Publishes, through the polling path, the rows committed before the slot existed (they are not
   * in its stream); run once per slot. Returns the rows published.
   */
  catchUp: () => Promise<number>;
  /** How long one wait on an idle stream lasts before the loop looks at its signal again. */
  idleWaitMs: number;
  /** Hears of each position confirmed to the slot (the metrics, tests). */
  onConfirmed?: (lsn: string) => void;
}

const laterLsn = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : lsnToBigInt(b) > lsnToBigInt(a) ? b : a);

function maxSeq(rows: readonly StreamedOutboxRow[]): string | null {
  let max: bigint | null = null;
  for (const row of rows) {
    const seq = BigInt(row.seq);
    if (max === null || seq > max) max = seq;
  }
  return max === null ? null : max.toString();
}

/**
 * The WAL source (RELAY_SOURCE=wal): reads the outbox's inserts from the replication slot, in
 * commit order, and publishes each batch as the polling source does (`publishWatched`: routing,
 * encoding, request sizing, rows set aside). Only after the broker acknowledged a batch is its
 * position recorded (with the rows set aside, one transaction) and then confirmed to the slot, so
 * a kill or a PostgreSQL restart resumes after the last recorded position: nothing lost, and only
 * the batch in flight sent again. Returns the number of rows published.
 */
export async function runWalRelay(deps: WalRelayDeps): Promise<number> {
  let published = 0;
  const position = await deps.retry('read the slot position', () => deps.store.read(), 'postgres');
  if (!position.caughtUp) {
    const owed = await deps.catchUp();
    await deps.retry('record the catch-up', () => deps.store.markCaughtUp(), 'postgres');
    deps.log.info({ published: owed }, 'outbox rows older than the slot published from the table');
    published += owed;
    if (owed > 0) deps.onPublished?.(owed);
  }
  let resumeAt = position.lsn;
  let stream: OutboxStream | undefined;
  const markers = new Set<string>();

  const take = (): Promise<OutboxBatch> =>
    deps.retry(
      'read the outbox replication stream',
      async () => {
        try {
          if (!stream) {
            stream = await deps.openStream(resumeAt);
            if (deps.once) {
              // A new marker per stream: everything committed before it comes first.
              const marker = randomUUID();
              markers.add(marker);
              await deps.store.emitMarker(marker);
            }
          }
          return await stream.take(deps.batchSize, deps.idleWaitMs, deps.signal);
        } catch (error) {
          await stream?.close();
          stream = undefined;
          throw error;
        }
      },
      'postgres',
    );

  try {
    while (!deps.signal.aborted) {
      const batch = await take();
      const started = performance.now();
      let setAside: SetAside[] = [];
      if (batch.rows.length > 0) {
        setAside = await deps.retry('publish a WAL batch', () => publishWatched(deps, batch.rows), 'kafka');
        deps.stall?.passed('outbox');
      }
      if (batch.rows.length > 0 || batch.confirmLsn !== null) {
        const bySeq = new Map(batch.rows.map((row) => [row.seq, row]));
        const lsn = laterLsn(resumeAt, batch.confirmLsn) ?? '0/0';
        await deps.retry(
          'record the slot position',
          async () => {
            try {
              return await deps.store.record({ lsn, maxSeq: maxSeq(batch.rows) }, setAside.map((s) => ({ ...s, row: bySeq.get(s.seq)! })));
            } catch (error) {
              // A PostgreSQL shutting down waits until this stream's walsender is confirmed to its
              // end, which needs this very record: close the stream so the shutdown goes on (the
              // next stream opens at the last recorded position).
              await stream?.close();
              stream = undefined;
              throw error;
            }
          },
          'postgres',
        );
        resumeAt = laterLsn(resumeAt, batch.confirmLsn);
      }
      // A stream that broke meanwhile ignores this; the next one starts at `resumeAt`.
      stream?.confirm(batch.confirmLsn);
      if (batch.confirmLsn !== null) deps.onConfirmed?.(batch.confirmLsn);
      const sent = batch.rows.length - setAside.length;
      published += sent;
      reportRound(deps, { taken: batch.rows.length, published: sent, setAside }, started, published);
      if (deps.once && batch.markers.some((m) => markers.has(m))) break;
    }
  } finally {
    await stream?.close();
  }
  return published;
}
