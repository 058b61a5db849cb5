import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, createLogger, parsePrometheusText, sumSamples } from '@streamline/runtime';
import { createDlqStore } from './dlq-store.js';
import type { FindResult } from './find-user.js';
import type { ChartPoint, MonitorState } from './sampler.js';
import { defaultPublicDir, startMonitorServer, type MonitorServer, type MonitorServerOptions } from './server.js';

// The monitor's HTTP server with fake sources (state, search): its guards over real loopback sockets.
let server: MonitorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let payload = 'x';
const start = async (over: Partial<MonitorServerOptions> = {}) => {
  const registry = new Registry();
  server = await startMonitorServer({
    host: '127.0.0.1',
    port: 0,
    portVariable: 'MONITOR_HTTP_PORT',
    publicDir: defaultPublicDir(),
    log: createLogger('monitor-test', { level: 'silent' }),
    registry,
    health: createHealth(),
    state: () => ({ t: 1, payload }) as unknown as MonitorState,
    points: () => [] as ChartPoint[],
    find: async (query) => ({ query, by: 'email', matches: [], truncated: false }) as FindResult,
    dlq: createDlqStore(10),
    ...over,
  });
  const port = Number(new URL(server.url).port);
  const metric = async (name: string) => sumSamples(parsePrometheusText(await registry.metrics()), name);
  return { port, metric };
};

const get = (port: number, path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });

describe('monitor server: Host names', () => {
  it('answers its own names and refuses any other with 421 (DNS rebinding)', async () => {
    const { port } = await start();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) expect((await get(port, '/api/state', { host })).status, host).toBe(200);
    for (const host of [`evil.example:${port}`, 'attacker.test', `127.0.0.1.evil.example:${port}`, 'evil.example:80:80']) {
      const res = await get(port, '/api/state', { host });
      expect(res.status, host).toBe(421);
      expect(res.body).not.toContain('payload');
    }
    expect((await get(port, '/', { host: 'evil.example' })).status).toBe(421);
  });

  it('answers the names of MONITOR_ALLOWED_HOSTS', async () => {
    const { port } = await start({ allowedHosts: ['monitor', 'dash.example.org'] });
    expect((await get(port, '/api/state', { host: 'monitor:9400' })).status).toBe(200);
    expect((await get(port, '/api/state', { host: 'dash.example.org' })).status).toBe(200);
    expect((await get(port, '/api/state', { host: 'other.example.org' })).status).toBe(421);
  });
});

describe('monitor server: token', () => {
  const token = 'a-test-token-0123456789';
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('asks for it on the page, the API and the live channel; /healthz and /metrics stay open', async () => {
    const { port } = await start({ token });
    for (const path of ['/', '/app.js', '/api/state', '/api/events', '/api/find?q=a@b.c', '/api/dlq']) {
      const res = await get(port, path);
      expect(res.status, path).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="streamline monitor"/);
      expect((await get(port, path, { authorization: basic('monitor', 'wrong-token-0123456789') })).status, path).toBe(401);
    }
    expect((await get(port, '/api/state', { authorization: basic('anyone', token) })).status).toBe(200);
    expect((await get(port, '/api/state', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect(JSON.parse((await get(port, '/api/state', { authorization: `Bearer ${token}` })).body)).toEqual({ t: 1, payload });
    expect((await get(port, '/healthz')).status).not.toBe(401);
    expect((await get(port, '/metrics')).status).toBe(200);
  });
});

describe('monitor server: the page', () => {
  it("serves the page's TypeScript bundled into /app.js when running from source (public/ holds no app.js)", async () => {
    const { port } = await start();
    const res = await get(port, '/app.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    // src/web's own words and uPlot's class names: both bundled in.
    expect(res.body).toContain('first batch in progress');
    expect(res.body).toContain('u-legend');
    expect((await get(port, '/vendor/uplot/uPlot.min.css')).status).toBe(200);
    expect((await get(port, '/vendor/uplot/uPlot.iife.min.js')).status).toBe(404);
  });
});

describe('monitor server: security headers', () => {
  it('sends a CSP without unsafe-inline, no framing, nosniff and no referrer', async () => {
    const { port } = await start();
    for (const path of ['/', '/api/state']) {
      const { headers } = await get(port, path);
      const csp = String(headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
    }
  });
});

describe('monitor server: find a user is rate-limited', () => {
  it('answers 429 after MONITOR_FIND_PER_MINUTE searches, before running the search', async () => {
    let searches = 0;
    const { port } = await start({
      findPerMinute: 5,
      find: async (query) => {
        searches++;
        return { query, by: 'email', matches: [], truncated: false };
      },
    });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(port, `/api/find?q=u${i}@example.com`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(searches).toBe(5);
    const limited = await get(port, '/api/find?q=x@example.com');
    expect(limited.headers['retry-after']).toBeDefined();
    expect(JSON.parse(limited.body).error).toMatch(/^too many searches: 5 a minute \(MONITOR_FIND_PER_MINUTE\); retry in \d+ s$/);
  });
});

describe('monitor server: live clients are bounded', () => {
  /** Opens the event stream and never reads past the status line. */
  const slowClient = (port: number) =>
    new Promise<{ socket: Socket; status: number }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('data', (chunk) => {
        socket.pause(); // reads nothing more: the kernel buffers fill, then the server's
        resolve({ socket, status: Number(/^HTTP\/1\.1 (\d+)/.exec(chunk.toString('latin1'))?.[1]) });
      });
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
    });

  it('200 clients that never read: 32 are served, 168 refused, each slow one dropped at its byte bound; memory stays bounded', async () => {
    const maxBufferBytes = 1024 * 1024;
    const { port, metric } = await start({ live: { maxClients: 32, maxBufferBytes } });
    const clients = [];
    for (let i = 0; i < 200; i++) clients.push(await slowClient(port));
    try {
      expect(clients.filter((c) => c.status === 200)).toHaveLength(32);
      expect(clients.filter((c) => c.status === 503)).toHaveLength(168);
      expect(await metric('streamline_monitor_sse_clients')).toBe(32);
      expect(await metric('streamline_monitor_sse_refused_total')).toBe(168);

      // 200 updates of 128 KiB: 25 MiB for each client, 800 MiB for the 32 if they were buffered.
      global.gc?.();
      const before = process.memoryUsage();
      payload = 'y'.repeat(128 * 1024);
      let peakBuffered = 0;
      let peakHeap = 0;
      for (let i = 0; i < 200; i++) {
        server!.broadcast();
        peakBuffered = Math.max(peakBuffered, await metric('streamline_monitor_sse_buffered_bytes'));
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        await new Promise((r) => setImmediate(r));
      }
      const after = process.memoryUsage();
      expect(await metric('streamline_monitor_sse_dropped_total')).toBe(32);
      expect(await metric('streamline_monitor_sse_clients')).toBe(0);
      // At most the bound plus one update per client, at any time.
      expect(peakBuffered).toBeLessThanOrEqual(32 * (maxBufferBytes + 200 * 1024));
      expect(peakHeap - before.heapUsed).toBeLessThan(128 * 1024 * 1024);
      // rss also keeps freed pages a while: a loose bound, still half of what buffering every update would take.
      expect(after.rss - before.rss).toBeLessThan(400 * 1024 * 1024);
      console.log(
        `slow clients: 32 served, 168 refused, 32 dropped; peak unsent ${(peakBuffered / 2 ** 20).toFixed(1)} MiB, heap +${((peakHeap - before.heapUsed) / 2 ** 20).toFixed(1)} MiB at peak, rss ${(before.rss / 2 ** 20).toFixed(0)} -> ${(after.rss / 2 ** 20).toFixed(0)} MiB`,
      );

      // Their places are free again.
      const next = await slowClient(port);
      clients.push(next);
      expect(next.status).toBe(200);
    } finally {
      payload = 'x';
      for (const c of clients) c.socket.destroy();
    }
  }, 120_000);
});
