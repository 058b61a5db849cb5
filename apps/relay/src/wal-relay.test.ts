import { describe, expect, it } from 'vitest';
import type { ProducerBatch } from 'kafkajs';
import pino from 'pino';
import { RecordEncodeError } from '@streamline/clients';
import { DependencyError, type DependencyRetry } from '@streamline/runtime';
import type { OutboxBatch, OutboxStream, StreamedOutboxRow } from '@streamline/staging';
import { runWalRelay, type WalPositionStore } from './wal-relay.js';

const row = (seq: number, payload: Record<string, unknown> = { id: `u${seq}` }): StreamedOutboxRow => ({
  seq: String(seq),
  id: `e${seq}`,
  aggregatetype: 'user',
  aggregateid: `u${seq}`,
  type: 'UserCreated',
  payload,
  created_at: new Date(0),
});
const serde = {
  serialize: async (v: unknown) => {
    if ((v as { id?: unknown }).id === 42) throw new RecordEncodeError('t-value', 7, ['id: 42 is not string'], new Error('bad'));
    return Buffer.from(JSON.stringify(v));
  },
};
const log = pino({ level: 'silent' });
/** Tries again at once while the error is retriable (the real one backs off). */
const retry: DependencyRetry = async (_what, fn) => {
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable) throw error;
    }
  }
};

/** A stream that hands out the scripted batches, then a marker batch for each marker emitted. */
function fakeStreams(script: Array<OutboxBatch | Error>, events: string[]) {
  const opened: Array<string | null> = [];
  const pendingMarkers: string[] = [];
  const open = async (startLsn: string | null): Promise<OutboxStream> => {
    opened.push(startLsn);
    return {
      confirmedLsn: '0/0',
      async take() {
        const next = script.shift();
        if (next instanceof Error) throw next;
        if (next) return next;
        return { rows: [], confirmLsn: null, markers: pendingMarkers.splice(0) };
      },
      confirm: (lsn) => void events.push(`confirm ${lsn}`),
      close: async () => void events.push('close'),
    };
  };
  return { open, opened, pendingMarkers };
}

function fakeStore(events: string[], initial: { lsn: string | null; caughtUp: boolean } = { lsn: '0/50', caughtUp: true }, markers?: string[]): WalPositionStore & { recorded: unknown[] } {
  const recorded: unknown[] = [];
  return {
    recorded,
    read: async () => initial,
    record: async (position, setAside) => {
      recorded.push({ position, setAside: setAside.map((s) => ({ seq: s.seq, rowSeq: s.row.seq })) });
      events.push(`record ${position.lsn} ${position.maxSeq}`);
    },
    markCaughtUp: async () => void events.push('caught up'),
    emitMarker: async (content) => void markers?.push(content),
  };
}

const publisher = (events: string[], failFirst = 0) => {
  let failures = failFirst;
  return {
    sendBatch: async (batch: ProducerBatch) => {
      if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      events.push(`send ${batch.topicMessages!.flatMap((t) => t.messages.map((m) => String(m.key))).join(',')}`);
      return [];
    },
  };
};

/** The relay's deps over the fakes (the `user` rows to topic `t`, `--once`); `overrides` for what a test varies. */
const relayDeps = (streams: ReturnType<typeof fakeStreams>, store: WalPositionStore, events: string[], overrides: Partial<Parameters<typeof runWalRelay>[0]> = {}): Parameters<typeof runWalRelay>[0] => ({
  producer: publisher(events),
  serdes: new Map([['t', serde]]),
  routes: new Map([['user', 't']]),
  maxRequestBytes: 1_000_000,
  openStream: streams.open,
  store,
  catchUp: async () => 0,
  log,
  signal: new AbortController().signal,
  retry,
  batchSize: 10,
  idleWaitMs: 10,
  once: true,
  ...overrides,
});

describe('runWalRelay', () => {
  it('publishes each batch, records its position, then confirms it to the slot, and stops at its marker with --once', async () => {
    const events: string[] = [];
    const streams = fakeStreams(
      [
        { rows: [row(1), row(2)], confirmLsn: '0/100', markers: [] },
        { rows: [row(3)], confirmLsn: null, markers: [] },
        { rows: [row(4)], confirmLsn: '0/200', markers: [] },
      ],
      events,
    );
    const store = fakeStore(events, { lsn: '0/50', caughtUp: true }, streams.pendingMarkers);
    const confirmed: string[] = [];
    const published = await runWalRelay(relayDeps(streams, store, events, { onConfirmed: (lsn) => confirmed.push(lsn) }));
    expect(published).toBe(4);
    expect(streams.opened).toEqual(['0/50']);
    expect(events).toEqual([
      'send u1,u2',
      'record 0/100 2',
      'confirm 0/100',
      'send u3',
      // Inside a transaction: the rows are published and counted, the position stays.
      'record 0/100 3',
      'confirm null',
      'send u4',
      'record 0/200 4',
      'confirm 0/200',
      'confirm null',
      'close',
    ]);
    expect(confirmed).toEqual(['0/100', '0/200']);
  });

  it('sets aside a poison row with its streamed tuple and publishes the rows around it', async () => {
    const events: string[] = [];
    const streams = fakeStreams([{ rows: [row(1), row(2, { id: 42 }), row(3)], confirmLsn: '0/100', markers: [] }], events);
    const store = fakeStore(events, undefined, streams.pendingMarkers);
    const published = await runWalRelay(relayDeps(streams, store, events));
    expect(published).toBe(2);
    expect(events.slice(0, 3)).toEqual(['send u1,u3', 'record 0/100 3', 'confirm 0/100']);
    expect(store.recorded[0]).toEqual({ position: { lsn: '0/100', maxSeq: '3' }, setAside: [{ seq: '2', rowSeq: '2' }] });
  });

  it('publishes a batch again when the broker failed, and never confirms before it acknowledged', async () => {
    const events: string[] = [];
    const streams = fakeStreams([{ rows: [row(1)], confirmLsn: '0/100', markers: [] }], events);
    const store = fakeStore(events, undefined, streams.pendingMarkers);
    await runWalRelay(relayDeps(streams, store, events, { producer: publisher(events, 2) }));
    expect(events.slice(0, 3)).toEqual(['send u1', 'record 0/100 1', 'confirm 0/100']);
  });

  it('reopens a broken stream after the last recorded position, and catches up from the table once for a new slot', async () => {
    const events: string[] = [];
    const broken = new DependencyError('postgres', 'the outbox replication stream broke', new Error('Connection terminated unexpectedly'));
    const streams = fakeStreams([{ rows: [row(7)], confirmLsn: '0/300', markers: [] }, broken], events);
    const store = fakeStore(events, { lsn: null, caughtUp: false }, streams.pendingMarkers);
    const published = await runWalRelay(relayDeps(streams, store, events, { catchUp: async () => (events.push('catch up'), 5) }));
    expect(published).toBe(6);
    expect(streams.opened).toEqual([null, '0/300']);
    expect(events.slice(0, 6)).toEqual(['catch up', 'caught up', 'send u7', 'record 0/300 7', 'confirm 0/300', 'close']);
  });

  it('a record that fails (PostgreSQL going down) closes the stream first, so the shutdown is not held; the next stream starts at the last recorded position', async () => {
    const events: string[] = [];
    const streams = fakeStreams([{ rows: [row(1)], confirmLsn: '0/100', markers: [] }, { rows: [row(2)], confirmLsn: '0/200', markers: [] }], events);
    const store = fakeStore(events, undefined, streams.pendingMarkers);
    const record = store.record;
    let failures = 1;
    store.record = async (position, setAside) => {
      if (position.lsn === '0/200' && failures-- > 0) throw new DependencyError('postgres', 'recording the position failed', Object.assign(new Error('the database system is shutting down'), { code: '57P03' }));
      return record(position, setAside);
    };
    await runWalRelay(relayDeps(streams, store, events));
    // Row 2's record failed: its stream closed before anything was confirmed on it, and row 2 recorded on retry.
    expect(events.slice(0, 6)).toEqual(['send u1', 'record 0/100 1', 'confirm 0/100', 'send u2', 'close', 'record 0/200 2']);
    expect(streams.opened).toEqual(['0/50', '0/200']);
  });
});
