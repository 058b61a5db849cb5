// The pages on the live channel (server-sent events), bounded: at most `maxClients` at once (the
// extras are refused), and each with at most `maxBufferBytes` written but not yet taken by its
// socket. A client that stops reading is dropped instead of having every update buffered for it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSession, type Session } from 'better-sse';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface LiveClientsOptions {
  maxClients: number;
  maxBufferBytes: number;
  registry: Registry;
}

export interface LiveClients {
  /** Opens the event stream and sends `first`; false (nothing written) when the cap is reached. */
  accept(req: IncomingMessage, res: ServerResponse, first: { data: unknown; event: string }): Promise<boolean>;
  /** Sends to every client; drops those whose unsent bytes exceed the bound. */
  broadcast(data: unknown, event: string): void;
  readonly count: number;
}

export function createLiveClients(options: LiveClientsOptions): LiveClients {
  const open = new Map<Session, ServerResponse>();
  const clients = new Gauge({ name: 'streamline_monitor_sse_clients', help: 'Pages connected to the live channel.', registers: [options.registry] });
  const refused = new Counter({ name: 'streamline_monitor_sse_refused_total', help: 'Live-channel connections refused: the client cap was reached.', registers: [options.registry] });
  const dropped = new Counter({ name: 'streamline_monitor_sse_dropped_total', help: 'Live-channel clients dropped: they did not read and their unsent bytes passed the bound.', registers: [options.registry] });
  const buffered = new Gauge({
    name: 'streamline_monitor_sse_buffered_bytes',
    help: 'Bytes written to the live channel\'s clients and not yet taken by their sockets (all clients).',
    registers: [options.registry],
    collect() {
      this.set([...open.values()].reduce((sum, res) => sum + res.writableLength, 0));
    },
  });
  void buffered;

  const forget = (session: Session) => {
    if (open.delete(session)) clients.set(open.size);
  };
  /** Sends, then drops the client when what it has not taken exceeds the bound (so it holds at most the bound plus one message). */
  const send = (session: Session, res: ServerResponse, data: unknown, event: string) => {
    if (!session.isConnected) return forget(session);
    session.push(data, event);
    if (res.writableLength > options.maxBufferBytes) {
      dropped.inc();
      forget(session);
      res.destroy();
    }
  };

  return {
    async accept(req, res, first) {
      // Counted before the await, so concurrent connections cannot pass the cap together.
      if (open.size >= options.maxClients) {
        refused.inc();
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '30' });
        res.end(`too many live pages (${options.maxClients}, MONITOR_SSE_MAX_CLIENTS)\n`);
        return false;
      }
      const placeholder = {} as Session;
      open.set(placeholder, res);
      let session: Session;
      try {
        session = await createSession(req, res, { keepAlive: 15_000, retry: 2_000 });
      } finally {
        open.delete(placeholder);
      }
      open.set(session, res);
      clients.set(open.size);
      session.once('disconnected', () => forget(session));
      send(session, res, first.data, first.event);
      return true;
    },
    broadcast(data, event) {
      for (const [session, res] of open) send(session, res, data, event);
    },
    get count() {
      return open.size;
    },
  };
}
