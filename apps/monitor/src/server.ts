// The monitor's web server: the page and its assets (uPlot from node_modules, so no CDN), the
// live channel (server-sent events), the JSON API, and the app's own /healthz and /metrics.
// Guarded: its own Host names only, a token when one is configured (all but /healthz and
// /metrics, which hold no personal data), security headers, bounded live clients, rate-limited search.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { AUTH_CHALLENGE, authorized } from './auth-check.js';
import { allowedHostNames, hostAllowed } from './host-check.js';
import { createLiveClients } from './live-clients.js';
import { PortInUseError, type Health, type Logger } from '@streamline/runtime';
import type { DlqStore } from './dlq-store.js';
import { InvalidQueryError } from './errors.js';
import type { FindResult } from './find-user.js';
import type { ChartPoint, MonitorState } from './sampler.js';
import { pageScriptFromSource, webEntry } from './web-bundle.js';

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
  /** Extra Host names served (beside localhost, 127.0.0.1, [::1] and `host`). */
  allowedHosts?: readonly string[];
  /** Asked for on every request but /healthz and /metrics; undefined: none. */
  token?: string | undefined;
  live?: { maxClients: number; maxBufferBytes: number };
  /** Searches per minute per client address. */
  findPerMinute?: number;
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
  const live = createLiveClients({ maxClients: 32, maxBufferBytes: 1024 * 1024, ...options.live, registry: options.registry });
  const hosts = allowedHostNames(options.host, options.allowedHosts ?? []);
  const open = new Set(['/healthz', '/metrics']);

  app.addHook('onRequest', async (req, reply) => {
    // 421: this server does not serve that name (DNS rebinding sends the attacker's name).
    if (!hostAllowed(req.headers.host, hosts)) return reply.code(421).type('text/plain').send('unknown Host: the monitor answers to its own names only (MONITOR_ALLOWED_HOSTS)\n');
    const token = options.token;
    if (token !== undefined && !open.has(req.url.split('?')[0]!) && !authorized(req.headers.authorization, token)) {
      return reply.code(401).header('www-authenticate', AUTH_CHALLENGE).type('text/plain').send('the monitor needs its token: the password of Basic authentication (any user name), or Authorization: Bearer <token>\n');
    }
  });
  // The page's own files only: no inline script or style, no framing, no referrer.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Plain http on a private address: no HSTS, no upgrade of its requests.
    strictTransportSecurity: false,
  });
  await app.register(fastifyRateLimit, { global: false });

  await app.register(fastifyStatic, { root: options.publicDir, prefix: '/', index: ['index.html'] });
  // uPlot's script is bundled into app.js; its stylesheet is served as it comes.
  await app.register(fastifyStatic, { root: uplotDistDir(), prefix: '/vendor/uplot/', decorateReply: false, allowedPath: (path) => /^\/?uPlot\.min\.css$/.test(path) });
  if (!existsSync(join(options.publicDir, 'app.js'))) {
    // Running from source: the page's script is bundled now (the build writes it beside the bundle).
    const entry = webEntry();
    if (!entry) throw new Error(`the page's script is missing: no ${join(options.publicDir, 'app.js')} (npx nx build monitor writes it) and no src/web to bundle it from`);
    const script = await pageScriptFromSource(entry);
    app.get('/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(script));
  }

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
  // Each search runs several statements: a client gets `findPerMinute` of them (429 after, with Retry-After).
  const perMinute = options.findPerMinute ?? 30;
  const rateLimit = {
    max: perMinute,
    timeWindow: 60_000,
    // The page shows `error`: say what the limit is and when to retry.
    errorResponseBuilder: (_req: unknown, context: { ttl: number }) => ({
      statusCode: 429,
      error: `too many searches: ${perMinute} a minute (MONITOR_FIND_PER_MINUTE); retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  };
  app.get<{ Querystring: { q?: string } }>('/api/find', { config: { rateLimit } }, async (req, reply) => {
    try {
      return await options.find(String(req.query.q ?? ''));
    } catch (error) {
      if (error instanceof InvalidQueryError) return reply.code(400).send({ error: error.message });
      // query_canceled: the find pool's statement timeout stopped it.
      if ((error as { code?: string }).code === '57014') return reply.code(504).send({ error: 'the search took too long and was stopped (MONITOR_FIND_TIMEOUT_MS)' });
      log.warn({ err: (error as Error).message }, 'find a user failed');
      return reply.code(502).send({ error: (error as Error).message });
    }
  });
  app.get('/api/events', async (req, reply) => {
    reply.hijack();
    // helmet's headers were set on the reply; the stream is written raw, so they are copied.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    await live.accept(req.raw, reply.raw, { data: { state: options.state(), points: options.points() }, event: 'snapshot' });
  });

  const address = await app.listen({ host: options.host, port: options.port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    throw new PortInUseError(`${options.portVariable}=${options.port}: port in use on ${options.host}; set ${options.portVariable} (or --port) to a free port (0: any)`);
  });
  const url = address.replace('0.0.0.0', '127.0.0.1');
  return {
    url,
    broadcast() {
      if (live.count === 0) return;
      live.broadcast({ state: options.state(), point: options.points().at(-1) ?? null }, 'update');
    },
    close: () => app.close(),
  };
}
