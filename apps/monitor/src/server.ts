// The monitor's web server: the page and its assets (uPlot from node_modules, so no CDN), the
// live channel (server-sent events), the JSON API, and the app's own /healthz and /metrics.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { createChannel, createSession } from 'better-sse';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import { PortInUseError, type Health, type Logger } from '@streamline/runtime';
import type { DlqStore } from './dlq-store.js';
import { InvalidQueryError } from './errors.js';
import type { FindResult } from './find-user.js';
import type { ChartPoint, MonitorState } from './sampler.js';

export interface MonitorServerOptions {
  host: string;
  port: number;
  /** The variable that sets the port, named when it is taken. */
  portVariable: string;
  publicDir: string;
  log: Logger;
  registry: Registry;
  health: Health;
  state: () => MonitorState;
  points: () => readonly ChartPoint[];
  find: (query: string) => Promise<FindResult>;
  dlq: DlqStore;
}

export interface MonitorServer {
  url: string;
  /** Sends the latest state and chart point to every open page. */
  broadcast(): void;
  close(): Promise<void>;
}

/** public/ beside the source (apps/monitor/public) or beside the bundle (dist/apps/monitor/public). */
export function defaultPublicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'public'), join(here, '..', 'public')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[1]!;
}

/** uPlot's dist folder, found the way Node resolves the package (works from a checkout and an image). */
export function uplotDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('uplot'));
}

export async function startMonitorServer(options: MonitorServerOptions): Promise<MonitorServer> {
  const { log } = options;
  // forceCloseConnections: open event streams must not hold a stop.
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });
  const channel = createChannel();
  const clients = new Gauge({ name: 'streamline_monitor_sse_clients', help: 'Pages connected to the live channel.', registers: [options.registry] });
  channel.on('session-registered', () => clients.set(channel.sessionCount));
  channel.on('session-deregistered', () => clients.set(channel.sessionCount));

  await app.register(fastifyStatic, { root: options.publicDir, prefix: '/', index: ['index.html'] });
  await app.register(fastifyStatic, { root: uplotDistDir(), prefix: '/vendor/uplot/', decorateReply: false, allowedPath: (path) => /^\/?uPlot\.(iife\.min\.js|min\.css)$/.test(path) });

  app.get('/healthz', async (_req, reply) => {
    const report = options.health.report();
    return reply.code(report.ready ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_req, reply) => reply.type(options.registry.contentType).send(await options.registry.metrics()));
  app.get('/api/state', async () => options.state());
  app.get('/api/points', async () => options.points());
  app.get<{ Querystring: { limit?: string } }>('/api/dlq', async (req) => {
    const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 50) || 50));
    return { counts: options.dlq.counts(), latest: options.dlq.latest(limit) };
  });
  app.get<{ Querystring: { q?: string } }>('/api/find', async (req, reply) => {
    try {
      return await options.find(String(req.query.q ?? ''));
    } catch (error) {
      if (error instanceof InvalidQueryError) return reply.code(400).send({ error: error.message });
      log.warn({ err: (error as Error).message }, 'find a user failed');
      return reply.code(502).send({ error: (error as Error).message });
    }
  });
  app.get('/api/events', async (req, reply) => {
    reply.hijack();
    const session = await createSession(req.raw, reply.raw, { keepAlive: 15_000, retry: 2_000 });
    session.push({ state: options.state(), points: options.points() }, 'snapshot');
    channel.register(session);
  });

  const address = await app.listen({ host: options.host, port: options.port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    throw new PortInUseError(`${options.portVariable}=${options.port}: port in use on ${options.host}; set ${options.portVariable} (or --port) to a free port (0: any)`);
  });
  const url = address.replace('0.0.0.0', '127.0.0.1');
  return {
    url,
    broadcast() {
      if (channel.sessionCount === 0) return;
      channel.broadcast({ state: options.state(), point: options.points().at(-1) ?? null }, 'update');
    },
    close: () => app.close(),
  };
}
