// The outbox as a logical-replication stream (RELAY_SOURCE=wal): pgoutput over the relay's slot,
// read with pg-logical-replication (its pgoutput decoder and standby status message), with what the
// relay needs on top: whole-transaction positions, confirmation only when told, backpressure.
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import type { Pgoutput } from 'pg-logical-replication';
import type { ConnectionConfig } from '@streamline/config';
import { DependencyError, StreamlineError, type Logger } from '@streamline/runtime';
import type { OutboxSlot, StreamedOutboxRow } from './outbox-slot.js';

/** The prefix of the relay's own WAL markers (`emitOutboxMarker`): `relay --once` drains up to one. */
export const OUTBOX_MARKER_PREFIX = 'streamline_relay';

/** LSNs as numbers, to compare and step them (`X/Y` is two 32-bit halves in hex). */
export function lsnToBigInt(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  if (high === undefined || low === undefined || !/^[0-9A-Fa-f]{1,8}$/.test(high) || !/^[0-9A-Fa-f]{1,8}$/.test(low)) throw new Error(`not an LSN: ${JSON.stringify(lsn)}`);
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

export function bigIntToLsn(value: bigint): string {
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** What the relay takes from the stream in one go. */
export interface OutboxBatch {
  /** Inserted outbox rows, in commit order (a transaction's rows in their insert order). */
  rows: StreamedOutboxRow[];
  /**
   * The end of the last whole transaction the batch completes: confirm it once every row up to it
   * is published. Null: the batch ends inside a transaction (a larger one than a batch).
   */
  confirmLsn: string | null;
  /** The relay's markers passed (`emitOutboxMarker` contents). */
  markers: string[];
}

type Item = { row: StreamedOutboxRow } | { commit: string } | { marker: string };

/**
 * The decoded messages in order, taken in batches: pure, so the batching and positions are tested
 * without a server. Only inserts into `outbox` are rows (the publication has nothing else; a
 * relation of another name is ignored).
 */
export class OutboxChangeBuffer {
  private items: Item[] = [];
  private head = 0;
  rowCount = 0;
  /** Between a transaction's begin and its commit. */
  inTransaction = false;

  add(message: Pgoutput.Message): void {
    switch (message.tag) {
      case 'begin':
        this.inTransaction = true;
        break;
      case 'insert':
        if (message.relation.name !== 'outbox') return;
        this.items.push({ row: toRow(message.new) });
        this.rowCount++;
        break;
      case 'commit':
        this.inTransaction = false;
        if (message.commitEndLsn !== null) this.items.push({ commit: message.commitEndLsn });
        break;
      case 'message':
        if (message.prefix === OUTBOX_MARKER_PREFIX) this.items.push({ marker: Buffer.from(message.content).toString('utf8') });
        break;
      default:
        break;
    }
  }

  /** Nothing waiting to be taken. */
  get empty(): boolean {
    return this.head === this.items.length;
  }

  /** Up to `maxRows` rows, and the commits and markers right after them. */
  take(maxRows: number): OutboxBatch {
    const batch: OutboxBatch = { rows: [], confirmLsn: null, markers: [] };
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      if ('row' in item) {
        if (batch.rows.length >= maxRows) break;
        batch.rows.push(item.row);
        this.rowCount--;
      } else if ('commit' in item) batch.confirmLsn = item.commit;
      else batch.markers.push(item.marker);
      this.head++;
    }
    // Keeps the array from growing without bound under a steady stream.
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return batch;
  }
}

function toRow(tuple: Record<string, unknown>): StreamedOutboxRow {
  // pgoutput sends text; the decoder applied node-postgres's parsers (int8 as a string, jsonb parsed, timestamptz a Date).
  return {
    seq: String(tuple.seq),
    id: String(tuple.id),
    aggregatetype: String(tuple.aggregatetype),
    aggregateid: String(tuple.aggregateid),
    type: String(tuple.type),
    payload: tuple.payload as Record<string, unknown>,
    created_at: tuple.created_at as Date,
  };
}

export interface OutboxStream {
  /**
   * The next batch: waits up to `waitMs` for something (an empty batch after that, or when `signal`
   * aborts). Rejects once the stream broke (PostgreSQL away): close it and open a new one, which
   * starts again after the last confirmed position.
   */
  take(maxRows: number, waitMs: number, signal: AbortSignal): Promise<OutboxBatch>;
  /**
   * The batch last taken went through (the broker acknowledged and the position was recorded):
   * `lsn`, if any, is confirmed to the slot (standby status update, flushed = lsn).
   */
  confirm(lsn: string | null): void;
  /** The last position confirmed to the slot. */
  readonly confirmedLsn: string;
  close(): Promise<void>;
}

export interface OutboxStreamOptions {
  /** Rows buffered before the socket is paused (backpressure: PostgreSQL waits). */
  highWaterRows: number;
  /** Where the stream resumes: the position recorded after the broker's ack (PostgreSQL uses the later of it and the slot's own). */
  startLsn: string | null;
  /** How often the confirmed position is sent anyway (a walsender without a reply for wal_sender_timeout, 60 s by default, hangs up). */
  statusIntervalMs?: number;
}

/** The pieces of the library's service this module drives (its socket is paused through them). */
type ServiceInternals = { _connection?: { stream?: { pause(): void; resume(): void } } | null };

/**
 * Opens the replication stream on the slot, from `startLsn`. A second relay on the same slot, or
 * a dropped connection, rejects `take` with a retriable error.
 */
export async function openOutboxStream(pg: ConnectionConfig['pg'], names: OutboxSlot, log: Logger, options: OutboxStreamOptions): Promise<OutboxStream> {
  const service = new LogicalReplicationService(
    { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database, application_name: `relay-wal-${names.slot}`, connectionTimeoutMillis: 10_000 },
    // Confirmation only when the relay says so; each message handled as it arrives (in order with the keepalives).
    { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: false } },
  );
  const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [names.publication], messages: true });
  const buffer = new OutboxChangeBuffer();
  let confirmed = options.startLsn === null ? 0n : lsnToBigInt(options.startLsn);
  let handedOut = false;
  let paused = false;
  let closing = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;

  const socket = () => (service as unknown as ServiceInternals)._connection?.stream;
  // The library sends the position it is given plus one ("last byte + 1"); the slot is to hold exactly `lsn`.
  const sendStatus = (lsn: bigint) => {
    if (failure || closing || lsn === 0n) return;
    void service.acknowledge(bigIntToLsn(lsn - 1n)).catch(() => undefined);
  };
  const fail = (error: unknown) => {
    if (closing || failure) return;
    const code = (error as { code?: string }).code;
    failure =
      code === '55006'
        ? new StreamlineError(`replication slot ${names.slot} is in use by another process (another relay on RELAY_SLOT=${names.slot}, or one just killed)`, { retriable: true, cause: error })
        : new DependencyError('postgres', `the outbox replication stream on slot ${names.slot} broke`, error ?? new Error('Connection terminated'));
    wake?.();
  };

  service.on('data', (_lsn: string, message: Pgoutput.Message) => {
    buffer.add(message);
    if (!paused && buffer.rowCount >= options.highWaterRows) {
      paused = true;
      socket()?.pause();
    }
    wake?.();
  });
  service.on('heartbeat', (lsn: string, _time: number, shouldRespond: boolean) => {
    // All that came before this keepalive is handled and confirmed, and no transaction is open:
    // the slot may move to the server's position (WAL of other databases and tables is not held).
    if (buffer.empty && !buffer.inTransaction && !handedOut) {
      const at = lsnToBigInt(lsn);
      if (at > confirmed) {
        confirmed = at;
        sendStatus(at);
        return;
      }
    }
    if (shouldRespond) sendStatus(confirmed);
  });
  service.on('error', fail);

  const started = new Promise<void>((resolve) => service.once('start', () => resolve()));
  const subscription = service.subscribe(plugin, names.slot, options.startLsn ?? '0/00000000');
  subscription.then(
    () => fail(new Error('Connection terminated: the replication stream ended')),
    (error: unknown) => fail(error),
  );
  await Promise.race([started, subscription.then(() => undefined)]);
  if (failure) {
    await service.stop().catch(() => undefined);
    throw failure;
  }
  const timer = setInterval(() => sendStatus(confirmed), options.statusIntervalMs ?? 10_000);
  timer.unref();
  log.debug({ slot: names.slot, startLsn: options.startLsn }, 'outbox replication stream open');

  return {
    get confirmedLsn() {
      return bigIntToLsn(confirmed);
    },
    async take(maxRows, waitMs, signal) {
      if (failure) throw failure;
      if (buffer.empty && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timeout);
            signal.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          };
          const timeout = setTimeout(done, waitMs);
          signal.addEventListener('abort', done, { once: true });
          wake = done;
        });
      }
      if (failure) throw failure;
      const batch = buffer.take(maxRows);
      if (batch.rows.length > 0 || batch.confirmLsn !== null || batch.markers.length > 0) handedOut = true;
      if (paused && buffer.rowCount < options.highWaterRows / 2) {
        paused = false;
        socket()?.resume();
      }
      return batch;
    },
    confirm(lsn) {
      handedOut = false;
      if (lsn === null) return;
      const at = lsnToBigInt(lsn);
      if (at > confirmed) confirmed = at;
      sendStatus(confirmed);
    },
    async close() {
      closing = true;
      clearInterval(timer);
      wake?.();
      await service.stop().catch(() => undefined);
      await subscription.catch(() => undefined);
    },
  };
}
