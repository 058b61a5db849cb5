import pg from 'pg';
import type { ConnectionConfig } from '@streamline/config';
import { backoffDelay, type Logger } from '@streamline/runtime';
import { OUTBOX_CHANNEL } from './stage-users.js';

export interface Wakeup {
  /** Resolves on the next NOTIFY, after `timeoutMs` (the polling fallback), or when `signal` aborts. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<'notified' | 'timeout' | 'aborted'>;
  close(): Promise<void>;
}

/**
 * LISTENs on the outbox channel with its own connection. If that connection drops, the relay
 * keeps working on the polling fallback while it reconnects.
 */
export async function listenForOutbox(config: ConnectionConfig['pg'], log: Logger): Promise<Wakeup> {
  let pending = false;
  let wake: (() => void) | undefined;
  let client: pg.Client | undefined;
  let closed = false;

  const connect = async () => {
    const c = new pg.Client({ ...config, application_name: 'relay-listen' });
    c.on('notification', () => {
      pending = true;
      wake?.();
    });
    c.on('error', (err) => {
      if (client !== c) return;
      log.warn({ err: err.message }, 'outbox listener connection lost, polling until it is back');
      client = undefined;
      reconnect(1);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      await c.end().catch(() => undefined);
      throw error;
    }
    client = c;
  };
  // Until the listener is back the poll interval still finds new rows; retried with backoff, capped at 10 s.
  const reconnect = (attempt: number) => {
    if (closed) return;
    setTimeout(() => {
      connect().then(
        () => log.info({ attempt }, 'outbox listener reconnected'),
        () => reconnect(attempt + 1),
      );
    }, backoffDelay(attempt, { minMs: 500, maxMs: 10_000 })).unref();
  };
  await connect();

  return {
    wait(timeoutMs, signal) {
      if (pending) {
        pending = false;
        return Promise.resolve('notified');
      }
      return new Promise((resolve) => {
        const done = (how: 'notified' | 'timeout' | 'aborted') => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          wake = undefined;
          pending = false;
          resolve(how);
        };
        const onAbort = () => done('aborted');
        const timer = setTimeout(() => done('timeout'), timeoutMs);
        wake = () => done('notified');
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
