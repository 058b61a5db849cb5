import { isUtf8 } from 'node:buffer';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import fetch, { type Response } from 'node-fetch';
import { type Logger, describeError, withRetry } from '@streamline/runtime';
import { DEFAULT_MAX_BODY_BYTES, MAX_BODY_BYTES_VAR, REQUEST_TIMEOUT_VAR } from './constants.js';
import { ApiRequestError, FetchFailedError, MalformedResponseError } from './errors.js';
import { type ScannedResults, scanResults } from './result-bytes.js';
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
  /**
   * The body as received and where each result lies in it (result-bytes.ts), where staging takes
   * each record's raw JSON from; absent when the scan could not vouch for it, or the body is not
   * all valid UTF-8 (the decoder put U+FFFD for what was not, which the parsed records carry and
   * PostgreSQL would refuse as bytes).
   */
  scanned?: ScannedResults | undefined;
  /** Requests it took (1 = no retry). */
  attempts: number;
}

export interface ApiClientOptions {
  /** A randomuser.me-compatible endpoint, e.g. https://randomuser.me/api/ */
  baseUrl: string;
  /** Per request, body included. */
  timeoutMs: number;
  /** A larger body is refused (never read whole into memory) and not retried; default 16 MiB. */
  maxBodyBytes?: number;
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

/** As node-fetch's text() decodes: a leading byte order mark dropped, invalid UTF-8 as U+FFFD. */
const utf8 = new TextDecoder();

const snippet = (text: string, max = 80) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 3)}...` : flat);
};

/**
 * A body that JSON.parse stopped reading at its very end: the JSON was cut short (a connection
 * closed early with no length to tell, a proxy's partial answer), so another request may get it whole.
 */
function isCutShort(body: string, error: SyntaxError): boolean {
  if (/end of JSON input/i.test(error.message)) return true;
  const at = /at position (\d+)/.exec(error.message);
  return at !== null && Number(at[1]) >= body.trimEnd().length;
}

/**
 * Checks that a body is a randomuser.me answer: a JSON object with a `results` array. Names what is
 * wrong otherwise. Retriable: JSON cut short (or an empty body) and the API's own `{"error": "..."}`
 * answer (how randomuser.me reports a passing failure). Not retriable: anything else malformed (HTML,
 * a wrong shape), since the same request gets the same answer.
 */
export function parseApiResponse(url: string, body: string): { results: unknown[]; info: ApiInfo | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const reason = (error as Error).message;
    if (body.trim() === '') throw new MalformedResponseError(url, 'empty body', true);
    if (error instanceof SyntaxError && isCutShort(body, error)) {
      throw new MalformedResponseError(url, `JSON cut short after ${Buffer.byteLength(body)} bytes (${reason})`, true);
    }
    throw new MalformedResponseError(url, `not JSON (${reason}); body starts with ${snippet(body)}`);
  }
  return readApiObject(url, parsed);
}

/** The checks of parseApiResponse on the parsed body. */
function readApiObject(url: string, parsed: unknown): { results: unknown[]; info: ApiInfo | undefined } {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedResponseError(url, `expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`);
  }
  const object = parsed as Record<string, unknown>;
  if (!Array.isArray(object.results)) {
    if (typeof object.error === 'string') throw new MalformedResponseError(url, `the API reported an error: ${snippet(object.error)}`, true);
    const what = object.results === undefined ? 'no results array' : `results is ${object.results === null ? 'null' : typeof object.results}, not an array`;
    throw new MalformedResponseError(url, `${what} (keys: ${Object.keys(object).join(', ') || 'none'})`);
  }
  const info = object.info !== null && typeof object.info === 'object' ? (object.info as ApiInfo) : undefined;
  return { results: object.results, info };
}

/**
 * parseApiResponse of a body's bytes, with the same outcome, but where the body is valid UTF-8 and
 * scanResults finds its results, each result is decoded and parsed from its own bytes (the rest of
 * the body too, without them) and the scan comes along: decoding the whole page took several times
 * longer, its every string widened to two bytes a character by one non-Latin-1 name. A body that
 * fails any of that is read by parseApiResponse, which says what is wrong with it.
 */
export function parseApiBody(url: string, bytes: Uint8Array): { results: unknown[]; info: ApiInfo | undefined; scanned?: ScannedResults | undefined } {
  const scanned = isUtf8(bytes) ? scanResults(bytes) : undefined;
  if (scanned) {
    const { count, spans, open, close } = scanned;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
      // The page without its results: the other fields, checked and read as parseApiResponse does.
      const page = readApiObject(url, JSON.parse(utf8.decode(Buffer.concat([text.subarray(0, open), text.subarray(close)]))));
      const results: unknown[] = new Array<unknown>(count);
      for (let k = 0; k < count; k++) results[k] = JSON.parse(text.toString('utf8', spans[3 * k]!, spans[3 * k + 1]!));
      return { results, info: page.info, scanned };
    } catch {
      // Not JSON after all: parseApiResponse names the fault.
    }
  }
  return parseApiResponse(url, utf8.decode(bytes));
}

/**
 * Every request asks for the same `results` R (fetch-plan.ts), and randomuser.me answers R: fewer
 * means users this run would silently miss. Not retriable: the same seed and page give the same answer.
 */
export function checkPageSize(url: string, results: unknown[], asked: number): void {
  if (results.length < asked) throw new MalformedResponseError(url, `sent ${results.length} of the ${asked} results asked for`);
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

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const tooLarge = (url: string, what: string) =>
    new ApiRequestError(`GET ${url}: body ${what} over the ${maxBodyBytes}-byte limit (${MAX_BODY_BYTES_VAR})`, url, { retriable: false });

  const requestOnce = async (url: string, asked: number, signal: AbortSignal | undefined) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const timedOut = () => new ApiRequestError(`GET ${url}: no complete answer within ${options.timeoutMs} ms (${REQUEST_TIMEOUT_VAR})`, url, { retriable: true });
    let res: Response;
    try {
      res = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        agent: (u: URL) => (u.protocol === 'http:' ? httpAgent : httpsAgent),
        headers: { accept: 'application/json' },
        // Counted on the decoded body: a small gzip answer that inflates past it is refused too.
        size: maxBodyBytes,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw timedOut();
      // node-fetch's message names the URL and the reason (e.g. connect ECONNREFUSED).
      throw new ApiRequestError('network error', url, { retriable: true, cause: error });
    }
    const { status, statusText } = res;
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBodyBytes) {
      // Refused before reading: closing the socket is cheaper than draining it.
      (res.body as { destroy?: () => void } | null)?.destroy?.();
      throw tooLarge(url, `of ${declared} bytes (Content-Length)`);
    }
    let bytes: Uint8Array;
    try {
      // The bytes are kept: staging sends each record's raw JSON from them (result-bytes.ts).
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw timedOut();
      if ((error as { type?: unknown }).type === 'max-size') throw tooLarge(url, 'grew');
      // The connection closed or reset mid-body: another request may get it whole. node-fetch's
      // message repeats the URL; its reason (e.g. "aborted", "Premature close") is what is new.
      const { message = '', code } = error as { message?: string; code?: string };
      const reason = [message.split(': ').at(-1), code].filter(Boolean).join(', ');
      throw new ApiRequestError(`GET ${url}: HTTP ${status} body cut short (${reason})`, url, { retriable: true });
    }
    if (status < 200 || status >= 300) {
      const retriable = status === 408 || status === 429 || status >= 500;
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      throw new ApiRequestError(`GET ${url}: HTTP ${status} ${statusText}: ${snippet(utf8.decode(bytes))}`, url, {
        retriable,
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    const page = parseApiBody(url, bytes);
    checkPageSize(url, page.results, asked);
    return page;
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
            return await requestOnce(url, request.results, signal);
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

/** A one-result answer is about 1 KB; whatever answers with more than this is not the API. */
const PROBE_MAX_BODY_BYTES = 1024 * 1024;

/** One quick request (no retry): does a randomuser.me-compatible API answer at `baseUrl`? */
export async function probeApi(baseUrl: string, timeoutMs: number): Promise<ProbeResult> {
  const url = buildPageUrl(baseUrl, { results: 1, seed: 'probe', page: 1 });
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' }, size: PROBE_MAX_BODY_BYTES });
    const body = await res.text();
    if (!res.ok) return { reachable: false, reason: `HTTP ${res.status} ${res.statusText}` };
    parseApiResponse(url, body);
    return { reachable: true };
  } catch (error) {
    const reason = error instanceof Error && error.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : describeError(error);
    return { reachable: false, reason };
  }
}
