import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError, silentLogger } from '@streamline/runtime';
import { type ApiClientOptions, buildPageUrl, checkPageSize, createApiClient, parseApiResponse, probeApi } from './api-client.js';
import { ApiRequestError, FetchFailedError, MalformedResponseError } from './errors.js';

type Responder = (req: IncomingMessage, res: ServerResponse) => void;

const ok = (results: unknown[] = [{ any: 'user' }]): Responder => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ results, info: { seed: 's', results: results.length, page: 1, version: '1.4' } }));
};
const status = (code: number, headers: Record<string, string> = {}, body = '{"error":"busy"}'): Responder => (_req, res) => {
  res.writeHead(code, headers);
  res.end(body);
};

/** A fake API on an ephemeral port answering with each responder in turn (the last one repeats). */
let server: Server | undefined;
const requests: Array<{ url: string; at: number }> = [];
async function fakeApi(...responders: Responder[]): Promise<string> {
  requests.length = 0;
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', at: Date.now() });
    (responders[requests.length - 1] ?? responders.at(-1)!)(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
}
const clients: Array<{ close(): void }> = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
});

const client = (baseUrl: string, overrides: Partial<ApiClientOptions> = {}) => {
  const c = createApiClient({
    baseUrl,
    timeoutMs: 2000,
    retries: 3,
    minDelayMs: 1,
    maxDelayMs: 5,
    maxRetryAfterMs: 5000,
    log: silentLogger(),
    ...overrides,
  });
  clients.push(c);
  return c;
};
const page = { page: 2, results: 1, seed: 'abc' };
const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

describe('buildPageUrl', () => {
  it('adds results, seed, page and nat to the base URL, keeping its own parameters', () => {
    const url = new URL(buildPageUrl('https://randomuser.me/api/?inc=login', { ...page, results: 10, nat: 'us,gb' }));
    expect(url.origin + url.pathname).toBe('https://randomuser.me/api/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ inc: 'login', results: '10', seed: 'abc', page: '2', nat: 'us,gb' });
  });
});

describe('parseApiResponse', () => {
  it('names what is wrong with a malformed answer', () => {
    expect(() => parseApiResponse('u', '<html>oops</html>')).toThrow(/^malformed response from u: not JSON \(.*\); body starts with "<html>oops<\/html>"$/);
    expect(() => parseApiResponse('u', '[1]')).toThrow('malformed response from u: expected a JSON object, got an array');
    expect(() => parseApiResponse('u', '{"data":[]}')).toThrow('malformed response from u: no results array (keys: data)');
    expect(() => parseApiResponse('u', '{"results":"x"}')).toThrow('results is string, not an array');
    const apiError = (() => {
      try {
        parseApiResponse('u', '{"error":"Uh oh, something has gone wrong."}');
      } catch (e) {
        return e;
      }
    })();
    expect(apiError).toBeInstanceOf(MalformedResponseError);
    expect((apiError as MalformedResponseError).retriable).toBe(true);
  });

  it('tells JSON cut short (retriable: another request may get it whole) from a body that is not JSON (not retriable)', () => {
    const retriable = (body: string) => {
      try {
        parseApiResponse('u', body);
      } catch (error) {
        return [(error as MalformedResponseError).retriable, (error as Error).message];
      }
      return 'parsed';
    };
    expect(retriable('{"results":[{"a":1},')).toEqual([true, 'malformed response from u: JSON cut short after 20 bytes (Unexpected end of JSON input)']);
    expect(retriable('{"results":[{"a":"xy')).toEqual([true, expect.stringMatching(/^malformed response from u: JSON cut short after 20 bytes \(Unterminated string/)]);
    expect(retriable('{"results":[{"a":1}')).toEqual([true, expect.stringMatching(/JSON cut short after 19 bytes/)]);
    expect(retriable('')).toEqual([true, 'malformed response from u: empty body']);
    expect(retriable('{"results":[]}trailing')).toEqual([false, expect.stringMatching(/not JSON \(Unexpected non-whitespace character after JSON/)]);
    expect(retriable('{"a":1,}')).toEqual([false, expect.stringMatching(/not JSON/)]);
    expect(retriable('{"results":null}')).toEqual([false, 'malformed response from u: results is null, not an array (keys: results)']);
    expect(retriable('{"results":{"0":{}}}')).toEqual([false, 'malformed response from u: results is object, not an array (keys: results)']);
  });

  it('refuses a page with fewer results than asked for (users the run would silently miss)', () => {
    expect(() => checkPageSize('u', [], 500)).toThrow('malformed response from u: sent 0 of the 500 results asked for');
    expect(() => checkPageSize('u', [1, 2], 2)).not.toThrow();
  });
});

describe('createApiClient', () => {
  it('retries a 503 and honours its Retry-After before the next attempt', async () => {
    const url = await fakeApi(status(503, { 'retry-after': '1' }), ok([{ id: 1 }, { id: 2 }]));
    const c = client(url);
    const result = await c.fetchPage(page);
    expect(result.results).toEqual([{ id: 1 }, { id: 2 }]);
    expect(result.attempts).toBe(2);
    expect(requests).toHaveLength(2);
    // Backoff alone would be a few ms; Retry-After: 1 means at least a second.
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(c.stats).toEqual({ requests: 2, retries: 1 });
    expect(new URL(requests[0]!.url, 'http://x').searchParams.get('seed')).toBe('abc');
  });

  it('honours a Retry-After given as an HTTP date, capped by maxRetryAfterMs', async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const url = await fakeApi(status(429, { 'retry-after': later }), ok());
    const started = Date.now();
    await client(url, { maxRetryAfterMs: 300 }).fetchPage(page);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(3000);
  });

  it('retries 429 and 5xx without Retry-After with backoff, and the API error answer', async () => {
    const url = await fakeApi(status(429), status(500), status(200, {}, '{"error":"Uh oh"}'), ok());
    const result = await client(url).fetchPage(page);
    expect(result.attempts).toBe(4);
  });

  it('retries a request that times out', async () => {
    const url = await fakeApi(() => undefined /* never answers */, ok());
    const result = await client(url, { timeoutMs: 200 }).fetchPage(page);
    expect(result.attempts).toBe(2);
  });

  it('gives up after the retries with the last error, naming the page and attempts', async () => {
    const url = await fakeApi(status(503));
    const error = await client(url, { retries: 2 }).fetchPage(page).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchFailedError);
    expect(describeError(error)).toMatch(/^fetching page 2 failed after 3 attempts: GET http:.*: HTTP 503 Service Unavailable: /);
    expect((error as Error).cause).toBeInstanceOf(ApiRequestError);
    expect(requests).toHaveLength(3);
  });

  it('fails at once on a 4xx other than 408/429, and on a malformed answer', async () => {
    let url = await fakeApi(status(400, {}, '{"error":"bad results"}'));
    let error = await client(url).fetchPage(page).catch((e: unknown) => e);
    expect(describeError(error)).toMatch(/failed after 1 attempt: .*HTTP 400 Bad Request/);
    await new Promise((r) => server!.close(r));
    server = undefined;
    url = await fakeApi(status(200, {}, 'not json'));
    error = await client(url).fetchPage(page).catch((e: unknown) => e);
    expect(describeError(error)).toMatch(/failed after 1 attempt: malformed response from .*: not JSON/);
  });

  it('refuses a body over maxBodyBytes at once, whether declared, streamed or inflated from gzip, without reading it whole', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const streamed: Responder = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    const declared: Responder = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(40 * 1024 * 1024) });
      res.write('{"results":[');
    };
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    const gzip: Responder = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    };
    const url = await fakeApi(declared, streamed, gzip);
    const c = client(url, { maxBodyBytes: 1024 * 1024 });
    const messages = [];
    for (let i = 0; i < 3; i++) messages.push(describeError(await errorOf(c.fetchPage(page))));
    expect(messages).toEqual([
      expect.stringMatching(/^fetching page 2 failed after 1 attempt: GET http:.*: body of 41943040 bytes \(Content-Length\) over the 1048576-byte limit \(INGESTOR_MAX_BODY_BYTES\)$/),
      expect.stringMatching(/^fetching page 2 failed after 1 attempt: GET http:.*: body grew over the 1048576-byte limit \(INGESTOR_MAX_BODY_BYTES\)$/),
      expect.stringMatching(/^fetching page 2 failed after 1 attempt: GET http:.*: body grew over the 1048576-byte limit \(INGESTOR_MAX_BODY_BYTES\)$/),
    ]);
    expect(requests).toHaveLength(3);
  });

  it('retries a body cut short, by the connection closing early or as JSON that stops mid-way', async () => {
    const closedEarly: Responder = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      res.write('{"results":[{"id":1}', () => res.destroy());
    };
    const cutJson = status(200, {}, '{"results":[{"id":1},{"i');
    const url = await fakeApi(closedEarly, cutJson, ok([{ id: 1 }]));
    const result = await client(url).fetchPage(page);
    expect(result).toMatchObject({ results: [{ id: 1 }], attempts: 3 });
  });

  it('gives up on a body always cut short, naming it', async () => {
    const url = await fakeApi((_req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.write('{"results":[', () => res.destroy());
    });
    const error = await errorOf(client(url, { retries: 1 }).fetchPage(page));
    expect(describeError(error)).toMatch(/^fetching page 2 failed after 2 attempts: GET http:\S+: HTTP 200 body cut short \(aborted, ECONNRESET\)$/);
  });

  it('times out an answer that trickles in too slowly, naming the setting', async () => {
    const url = await fakeApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results":[');
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 50);
    });
    const error = await errorOf(client(url, { timeoutMs: 300, retries: 1 }).fetchPage(page));
    expect(describeError(error)).toMatch(/^fetching page 2 failed after 2 attempts: GET http:.*: no complete answer within 300 ms \(INGESTOR_REQUEST_TIMEOUT_MS\)$/);
  });

  it('fails at once on a page with fewer results than asked, and on results that are not an array', async () => {
    const url = await fakeApi(ok([]), status(200, {}, '{"results":{"a":1}}'));
    const c = client(url);
    expect(describeError(await errorOf(c.fetchPage({ ...page, results: 5 })))).toMatch(/^fetching page 2 failed after 1 attempt: malformed response from .*: sent 0 of the 5 results asked for$/);
    expect(describeError(await errorOf(c.fetchPage(page)))).toMatch(/failed after 1 attempt: malformed response from .*: results is object, not an array \(keys: results\)$/);
    expect(requests).toHaveLength(2);
  });

  it('retries network errors and then fails, naming the cause', async () => {
    const url = await fakeApi(ok());
    await new Promise((r) => server!.close(r));
    server = undefined;
    const error = await client(url, { retries: 2 }).fetchPage(page).catch((e: unknown) => e);
    expect(describeError(error)).toMatch(/^fetching page 2 failed after 3 attempts: network error: request to .*ECONNREFUSED/);
  });

  it('stops waiting when aborted', async () => {
    const url = await fakeApi(status(503, { 'retry-after': '30' }));
    const stop = new AbortController();
    const pending = client(url, { signal: stop.signal }).fetchPage(page);
    setTimeout(() => stop.abort(new Error('stopped')), 100);
    const started = Date.now();
    await expect(pending).rejects.toThrow('stopped');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('probeApi', () => {
  it('says whether a compatible API answers', async () => {
    const url = await fakeApi(ok(), status(503), status(200, {}, '<html/>'));
    expect(await probeApi(url, 1000)).toEqual({ reachable: true });
    expect(await probeApi(url, 1000)).toEqual({ reachable: false, reason: 'HTTP 503 Service Unavailable' });
    expect(await probeApi(url, 1000)).toMatchObject({ reachable: false, reason: expect.stringMatching(/not JSON/) });
    expect(await probeApi('http://127.0.0.1:1/api/', 1000)).toMatchObject({ reachable: false, reason: expect.stringMatching(/ECONNREFUSED/) });
  });
});
