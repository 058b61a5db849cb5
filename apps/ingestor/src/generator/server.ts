import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '@streamline/runtime';
import { FaultSpecError, type FaultSpec, NO_FAULTS, corruptRecord, httpFaultFor, isCorruptRecord, parseFaultSpec } from './faults.js';
import { GENERATOR_MAX_RESULTS, filterFields, generatePage } from './generate-users.js';

export interface GeneratorServerOptions {
  host?: string;
  /** 0: an ephemeral port. */
  port?: number;
  /** Default faults; a request's `fail` parameter replaces them for that request. */
  faults?: FaultSpec;
  log?: Logger;
}

export interface GeneratorServer {
  /** The randomuser-compatible endpoint, e.g. http://127.0.0.1:43121/api/ */
  readonly url: string;
  readonly port: number;
  readonly stats: { requests: number; faults: number; corrupted: number };
  close(): Promise<void>;
}

class BadRequestError extends Error {}

const intParam = (params: URLSearchParams, name: string, fallback: number, min: number): number => {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new BadRequestError(`invalid ${name}=${JSON.stringify(raw)}: expected an integer >= ${min}`);
  return value;
};

/**
 * The offline generator behind a randomuser.me-compatible HTTP endpoint (node:http), so that the
 * ingestor's one HTTP client path runs with or without the internet. Query parameters as the API:
 * results (max 5000), page, seed (random when missing, echoed in info), nat, inc, exc; plus
 * `fail` (a fault spec) for tests.
 */
export async function startGeneratorServer(options: GeneratorServerOptions = {}): Promise<GeneratorServer> {
  const log = options.log ?? silentLogger();
  const defaultFaults = options.faults ?? NO_FAULTS;
  const stats = { requests: 0, faults: 0, corrupted: 0 };
  // Per page: requests seen and faults served, so that fault decisions are deterministic and bounded.
  const attempts = new Map<string, { requests: number; faults: number }>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://generator');
    if (req.method !== 'GET') return send(res, 405, { error: `method ${req.method} not allowed` });
    if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
    if (!['/', '/api', '/api/'].includes(url.pathname)) return send(res, 404, { error: `no such path ${url.pathname}` });
    const params = url.searchParams;
    const results = Math.min(intParam(params, 'results', 1, 1), GENERATOR_MAX_RESULTS);
    const page = intParam(params, 'page', 1, 1);
    const seed = params.get('seed') || randomBytes(8).toString('hex');
    const nat = params.get('nat');
    const faults = params.has('fail') ? parseFaultSpec(params.get('fail')) : defaultFaults;

    const key = `${seed}|${page}|${results}|${nat ?? ''}`;
    const seen = attempts.get(key) ?? { requests: 0, faults: 0 };
    attempts.set(key, seen);
    const fault = httpFaultFor(faults, key, seen.requests++, seen.faults);
    if (fault !== null) {
      seen.faults++;
      stats.faults++;
      log.debug({ status: fault, seed, page }, 'injected fault');
      return send(res, fault, { error: fault === 503 ? 'Service unavailable (injected)' : 'Too many requests (injected)' }, {
        'retry-after': String(faults.retryAfterSeconds),
      });
    }

    const generated = generatePage({ seed, page, results, nat });
    const out = generated.results.map((user, index) => {
      const filtered = filterFields(user, params.get('inc'), params.get('exc'));
      if (!isCorruptRecord(faults, seed, page, index)) return filtered;
      stats.corrupted++;
      return corruptRecord(user, seed, page, index);
    });
    send(res, 200, { results: out, info: generated.info });
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      if (error instanceof BadRequestError || error instanceof FaultSpecError) return send(res, 400, { error: error.message });
      log.error({ err: error }, 'generator request failed');
      send(res, 500, { error: 'internal error' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/api/`,
    port: address.port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
