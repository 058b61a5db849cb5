import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import fetch from 'node-fetch';
import { type Logger, describeError, withRetry } from '@streamline/runtime';
import { ApiRequestError, FetchFailedError, MalformedResponseError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface PageRequest {
  page: number;
  results: number;
  seed: string;
  /** Comma-separated nationalities. */
  nat?: string | undefined;
}

export interface ApiInfo {
  seed?: string;
  results?: number;
  page?: number;
  version?: string;
}

export interface ApiPage {
  results: unknown[];
  info: ApiInfo | undefined;
  /** Requests it took (1 = no retry). */
  attempts: number;
}

export interface ApiClientOptions {
  /** A randomuser.me-compatible endpoint, e.g. https://randomuser.me/api/ */
  baseUrl: string;
  /** Per request, body included. */
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After is cut to this. */
  maxRetryAfterMs: number;
  /** Sockets per host (keep-alive); about the number of pages fetched at once. */
  maxSockets?: number;
  log: Logger;
  /** Aborts requests in flight and waits between attempts. */
  signal?: AbortSignal;
}

export interface ApiClient {
  /** `signal` (with the client's own) aborts this page's requests and waits. */
  fetchPage(request: PageRequest, signal?: AbortSignal): Promise<ApiPage>;
  readonly stats: { requests: number; retries: number };
  close(): void;
}

/** The request URL for one page: results, seed, page and nat on top of the base URL's own parameters. */
export function buildPageUrl(baseUrl: string, request: PageRequest): string {
  const url = new URL(baseUrl);
  url.searchParams.set('results', String(request.results));
  url.searchParams.set('seed', request.seed);
  url.searchParams.set('page', String(request.page));
  if (request.nat) url.searchParams.set('nat', request.nat);
  return url.toString();
}

const snippet = (text: string, max = 80) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 3)}...` : flat);
};

/**
 * Checks that a body is a randomuser.me answer: a JSON object with a `results` array. Names what is
 * wrong otherwise. The API's own `{"error": "..."}` answer is retriable (it is how randomuser.me
 * reports a passing failure); anything else malformed is not.
 */
export function parseApiResponse(url: string, body: string): { results: unknown[]; info: ApiInfo | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new MalformedResponseError(url, `not JSON (${(error as Error).message}); body starts with ${snippet(body)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedResponseError(url, `expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`);
  }
  const object = parsed as Record<string, unknown>;
  if (!Array.isArray(object.results)) {
    if (typeof object.error === 'string') throw new MalformedResponseError(url, `the API reported an error: ${snippet(object.error)}`, true);
    const what = object.results === undefined ? 'no results array' : `results is ${typeof object.results}, not an array`;
    throw new MalformedResponseError(url, `${what} (keys: ${Object.keys(object).join(', ') || 'none'})`);
  }
  const info = object.info !== null && typeof object.info === 'object' ? (object.info as ApiInfo) : undefined;
  return { results: object.results, info };
}

/**
 * A client for a randomuser.me-compatible API: one GET per page with a timeout, retried through the
 * project's withRetry (exponential backoff with jitter) on timeouts, network errors, 429 and 5xx.
 * A Retry-After from the server is honoured: the next attempt waits at least that long (see below).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { log } = options;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const stats = { requests: 0, retries: 0 };

  const requestOnce = async (url: string, signal: AbortSignal | undefined) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    let status: number;
    let statusText: string;
    let retryAfter: string | null;
    let body: string;
    try {
      const res = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        agent: (u: URL) => (u.protocol === 'http:' ? httpAgent : httpsAgent),
        headers: { accept: 'application/json' },
      });
      ({ status, statusText } = res);
      retryAfter = res.headers.get('retry-after');
      body = await res.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new ApiRequestError(`GET ${url}: no complete answer within ${options.timeoutMs} ms`, url, { retriable: true });
      // node-fetch's message names the URL and the reason (e.g. connect ECONNREFUSED).
      throw new ApiRequestError('network error', url, { retriable: true, cause: error });
    }
    if (status < 200 || status >= 300) {
      const retriable = status === 408 || status === 429 || status >= 500;
      const retryAfterMs = parseRetryAfter(retryAfter);
      throw new ApiRequestError(`GET ${url}: HTTP ${status} ${statusText}: ${snippet(body)}`, url, {
        retriable,
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    return parseApiResponse(url, body);
  };

  return {
    stats,
    async fetchPage(request, callSignal) {
      const url = buildPageUrl(options.baseUrl, request);
      const signals = [options.signal, callSignal].filter((s): s is AbortSignal => s !== undefined);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      let attempts = 0;
      try {
        const page = await withRetry(
          async () => {
            attempts++;
            stats.requests++;
            return await requestOnce(url, signal);
          },
          {
            retries: options.retries,
            minDelayMs: options.minDelayMs,
            maxDelayMs: options.maxDelayMs,
            ...(signal ? { signal } : {}),
            // A Retry-After is honoured, a longer one cut to maxRetryAfterMs.
            minDelayFor: (error) => (error instanceof ApiRequestError && error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, options.maxRetryAfterMs) : undefined),
            onRetry: (error, attempt, delayMs) => {
              stats.retries++;
              const retryAfterMs = error instanceof ApiRequestError ? error.retryAfterMs : undefined;
              log.warn({ page: request.page, attempt, delayMs, retryAfterMs, reason: describeError(error) }, 'retrying page');
            },
          },
        );
        return { ...page, attempts };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw new FetchFailedError(request.page, attempts, error);
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

export type ProbeResult = { reachable: true } | { reachable: false; reason: string };

/** One quick request (no retry): does a randomuser.me-compatible API answer at `baseUrl`? */
export async function probeApi(baseUrl: string, timeoutMs: number): Promise<ProbeResult> {
  const url = buildPageUrl(baseUrl, { results: 1, seed: 'probe', page: 1 });
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const body = await res.text();
    if (!res.ok) return { reachable: false, reason: `HTTP ${res.status} ${res.statusText}` };
    parseApiResponse(url, body);
    return { reachable: true };
  } catch (error) {
    const reason = error instanceof Error && error.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : describeError(error);
    return { reachable: false, reason };
  }
}
