// Bad answers from the users API, against the real ingestor CLI and a real PostgreSQL: a local HTTP
// server stands in for randomuser.me and serves each fault; every case runs in an empty database
// of its own and checks the exit code, the one line on stderr, the requests made and the exact rows
// staged (only whole pages, each user once, with its outbox row).
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCommand } from '@streamline/app-runner';
import { createPgPool } from '@streamline/clients';
import { testConnections, uniqueName } from '@streamline/testing';
import { withEmptyDatabase } from '@streamline/staging/testing';
import { type GeneratedPage, generatePage } from '../src/generator/generate-users.js';
import type { IngestSummary } from '../src/summary.js';

const config = testConnections();
const PAGES = 5;
const PAGE_SIZE = 100;

interface Served {
  page: number;
  /** 0 for the first request of this page. */
  attempt: number;
  /** The good answer for this page (randomuser-shaped, from the generator). */
  good(): GeneratedPage;
}
type Respond = (served: Served, res: ServerResponse) => boolean;

/** Sends one whole answer; true, so that a responder can write `page === 3 && answer(...)`. */
const answer = (res: ServerResponse, status: number, headers: Record<string, string>, body: string): boolean => {
  res.writeHead(status, headers).end(body);
  return true;
};

/** The fake API: `respond` answers a request when it returns true; otherwise the good page is sent. */
class FakeApi {
  private server: Server | undefined;
  respond: Respond = () => false;
  readonly requests: Array<{ page: number; at: number }> = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      const page = Number(params.get('page'));
      const seed = params.get('seed') ?? '';
      const results = Number(params.get('results'));
      const attempt = this.requests.filter((r) => r.page === page).length;
      this.requests.push({ page, at: Date.now() });
      const good = () => generatePage({ seed, page, results });
      if (this.respond({ page, attempt, good }, res) === true) return;
      const body = JSON.stringify(good());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  reset(respond: Respond): void {
    this.respond = respond;
    this.requests.length = 0;
  }

  requestsFor(page: number): number[] {
    return this.requests.filter((r) => r.page === page).map((r) => r.at);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

interface CliRun {
  code: number | null;
  /** The lines on stderr that are not JSON log entries (the one-line failure, when it failed). */
  lines: string[];
  /** The last stdout line, parsed: the summary, or {ok:false,error}. */
  result: (IngestSummary & { ok: true }) | { ok: false; error: string };
}

/** The real CLI (the command app-runner gives every caller), run asynchronously so that the fake API in this process can answer it. */
function runIngestor(args: string[], env: Record<string, string>): Promise<CliRun> {
  const { command, args: argv, cwd } = appCommand('ingestor', [...args, '--json']);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ code, lines: stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{')), result: JSON.parse(last) });
      } catch {
        reject(new Error(`no JSON line last on stdout (exit ${code}): ${last} | ${stderr.slice(-2000)}`));
      }
    });
  });
}

const idsOf = (seed: string, pages: number[]) => pages.flatMap((page) => generatePage({ seed, page, results: PAGE_SIZE }).results.map((u) => u.login.uuid));
const allPages = Array.from({ length: PAGES }, (_, i) => i + 1);

describe('ingestor against a bad users API (real CLI, real PostgreSQL)', () => {
  const api = new FakeApi();
  beforeAll(() => api.start());
  afterAll(() => api.stop());

  /**
   * Runs the CLI on an empty database of its own: 5 pages of 100, one page at a time (so which pages
   * came before a failure is known), 2 retries with short delays; `check` sees the run and the staging rows.
   */
  async function ingest(
    respond: Respond,
    env: Record<string, string>,
    check: (run: CliRun, seed: string, staging: { ids(): Promise<string[]>; outbox(): Promise<string[]> }, rerun: () => Promise<CliRun>) => Promise<void>,
  ): Promise<void> {
    await withEmptyDatabase(config.pg, async (db) => {
      const seed = uniqueName('seed');
      const cli = (runId: string) =>
        runIngestor(
          ['--source', 'api', '--api-url', api.url, '--count', String(PAGES * PAGE_SIZE), '--page-size', String(PAGE_SIZE), '--batch-size', String(PAGE_SIZE), '--concurrency', '1', '--seed', seed, '--run-id', runId],
          {
            PG_HOST: config.pg.host,
            PG_PORT: String(config.pg.port),
            PG_DATABASE: db.name,
            LOG_LEVEL: 'warn',
            INGESTOR_HTTP_PORT: '0',
            INGESTOR_RETRIES: '2',
            INGESTOR_RETRY_MIN_DELAY_MS: '10',
            INGESTOR_RETRY_MAX_DELAY_MS: '50',
            ...env,
          },
        );
      api.reset(respond);
      const run = await cli(uniqueName('run'));
      const pool = createPgPool({ ...config.pg, database: db.name }, { max: 1 });
      pool.on('error', () => undefined);
      try {
        const column = async (sql: string) => (await pool.query<{ id: string }>(sql)).rows.map((r) => r.id).sort();
        await check(
          run,
          seed,
          { ids: () => column('SELECT id::text AS id FROM users_raw'), outbox: () => column('SELECT aggregateid AS id FROM outbox') },
          () => {
            api.reset(() => false);
            return cli(uniqueName('rerun'));
          },
        );
      } finally {
        await pool.end();
      }
    });
  }

  /** The run failed with exactly this one line (and said the same as JSON), and staged exactly the users of `pages`. */
  const expectFailure = async (run: CliRun, line: RegExp, seed: string, staging: { ids(): Promise<string[]>; outbox(): Promise<string[]> }, pages: number[]) => {
    expect(run.code, run.lines.join('\n')).toBe(1);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(line);
    expect(run.result).toEqual({ ok: false, error: run.lines[0]!.replace(/^ingestor: /, '') });
    const expected = idsOf(seed, pages).sort();
    expect(await staging.ids()).toEqual(expected);
    expect(await staging.outbox()).toEqual(expected);
  };
  const pageUrl = (seed: string, page: number) => `${api.url}?results=${PAGE_SIZE}&seed=${seed}&page=${page}`.replace(/[.?]/g, '\\$&');

  it('HTML from a 200 (not JSON): fails at once naming the page; the pages before it stay staged whole, and a rerun adds only the rest', async () => {
    await ingest(
      ({ page }, res) => page === 3 && answer(res, 200, { 'content-type': 'text/html' }, '<html><body>Moved to a new home</body></html>'),
      {},
      async (run, seed, staging, rerun) => {
        await expectFailure(
          run,
          new RegExp(`^ingestor: fetching page 3 failed after 1 attempt: malformed response from ${pageUrl(seed, 3)}: not JSON \\(Unexpected token '<', .*\\); body starts with "<html><body>Moved to a new home</body></html>"$`),
          seed,
          staging,
          [1, 2],
        );
        expect(api.requestsFor(3)).toHaveLength(1);
        expect(api.requestsFor(4)).toHaveLength(0);

        const again = await rerun();
        expect(again.code, again.lines.join('\n')).toBe(0);
        expect(again.result).toMatchObject({ ok: true, fetched: 500, staged: 300, duplicates: 200, rejected: 0 });
        const all = idsOf(seed, allPages).sort();
        expect(await staging.ids()).toEqual(all);
        expect(await staging.outbox()).toEqual(all);
      },
    );
  });

  it('JSON cut short on every attempt (the length right, the JSON unfinished): retried, then fails naming the cut; nothing of that page is staged', async () => {
    let bytes = 0;
    await ingest(
      ({ page, good }, res) => {
        if (page !== 3) return false;
        const whole = JSON.stringify(good());
        const cut = whole.slice(0, whole.indexOf('"email":"', 1000) + 12);
        bytes = Buffer.byteLength(cut);
        return answer(res, 200, { 'content-type': 'application/json', 'content-length': String(bytes) }, cut);
      },
      {},
      async (run, seed, staging) => {
        await expectFailure(run, new RegExp(`^ingestor: fetching page 3 failed after 3 attempts: malformed response from ${pageUrl(seed, 3)}: JSON cut short after ${bytes} bytes \\(Unterminated string in JSON at position \\d+\\)$`), seed, staging, [1, 2]);
        expect(api.requestsFor(3)).toHaveLength(3);
      },
    );
  });

  it('a connection reset mid-body, and two 500s before the answer: retried, every user staged once', async () => {
    await ingest(
      ({ page, attempt, good }, res) => {
        if (page === 2 && attempt === 0) {
          const body = JSON.stringify(good());
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.write(body.slice(0, 2000), () => res.destroy());
          return true;
        }
        if (page === 4 && attempt < 2) return answer(res, 500, {}, '{"error":"busy"}');
        return false;
      },
      {},
      async (run, seed, staging) => {
        expect(run.code, run.lines.join('\n')).toBe(0);
        expect(run.lines).toEqual([]);
        expect(run.result).toMatchObject({ ok: true, fetched: 500, staged: 500, duplicates: 0, rejected: 0, retries: 3 });
        expect([api.requestsFor(2).length, api.requestsFor(4).length]).toEqual([2, 3]);
        const all = idsOf(seed, allPages).sort();
        expect(await staging.ids()).toEqual(all);
        expect(await staging.outbox()).toEqual(all);
      },
    );
  });

  it('`results` not an array: fails at once naming the keys', async () => {
    await ingest(
      ({ page }, res) => page === 2 && answer(res, 200, { 'content-type': 'application/json' }, '{"results":{"count":100},"info":{"page":2}}'),
      {},
      async (run, seed, staging) => {
        await expectFailure(run, new RegExp(`^ingestor: fetching page 2 failed after 1 attempt: malformed response from ${pageUrl(seed, 2)}: results is object, not an array \\(keys: results, info\\)$`), seed, staging, [1]);
        expect(api.requestsFor(2)).toHaveLength(1);
      },
    );
  });

  it('bad records (wrong types, no login.uuid, an int the schema cannot hold, a NUL, null, a duplicate): each rejected with its reason, the rest staged once', async () => {
    let spoiled: string[] = [];
    await ingest(
      ({ page, good }, res) => {
        if (page !== 2) return false;
        const body = good();
        const users = body.results;
        spoiled = users.slice(0, 6).map((u) => u.login.uuid);
        (users[0]!.name as { first: unknown }).first = 42;
        delete (users[1]!.login as { uuid?: string }).uuid;
        users[2]!.location.street.number = 2 ** 31;
        users[3]!.name.last = 'Nul\u0000';
        (body.results as unknown[])[4] = null;
        users[5] = structuredClone(users[6]!);
        return answer(res, 200, { 'content-type': 'application/json' }, JSON.stringify(body));
      },
      {},
      async (run, seed, staging) => {
        expect(run.code, run.lines.join('\n')).toBe(0);
        expect(run.result).toMatchObject({ ok: true, fetched: 500, staged: 494, duplicates: 1, rejected: 5 });
        expect((run.result as IngestSummary).rejectReasons).toEqual([
          'invalid record: name.first=42: Invalid input: expected string, received number',
          'invalid record: login.uuid=(missing): Invalid input: expected string, received undefined',
          'invalid record: street_number=2147483648: not a valid int of the users_created schema',
          expect.stringMatching(/^invalid record: name\.last="Nul\\u0000": contains a NUL character \(\\u0000\), which PostgreSQL cannot store$/),
          'invalid record: (record)=null: Invalid input: expected object, received null',
        ]);
        const expected = idsOf(seed, allPages)
          .filter((id) => !spoiled.includes(id))
          .sort();
        expect(expected).toHaveLength(494);
        expect(await staging.ids()).toEqual(expected);
        expect(await staging.outbox()).toEqual(expected);
      },
    );
  });

  it('hostile records (a 3 MB name, a 60 KB name, 100,000-deep nesting, a million-item array, 1e400, a control character, a lone surrogate, invalid UTF-8): each rejected with a one-line reason, every user after them staged', async () => {
    let spoiled: string[] = [];
    await ingest(
      ({ page, good }, res) => {
        if (page !== 2) return false;
        const body = good();
        const users = body.results;
        spoiled = users.slice(0, 8).map((u) => u.login.uuid);
        users[0]!.name.first = 'M'.repeat(3_000_000);
        users[1]!.name.last = 'W'.repeat(60_000);
        (users[2]!.login as Record<string, unknown>).extra = '__DEEP__';
        (users[3]!.login as Record<string, unknown>).many = new Array(1_000_000).fill(0);
        (users[4]!.location.coordinates as Record<string, unknown>).latitude = '__1E400__';
        users[5]!.location.city = 'Lee\u0007ds';
        users[6]!.name.first = '__LONE__';
        users[7]!.name.last = '__BADUTF8__';
        // Texts JSON.stringify cannot write (it throws on the nesting, and writes neither 1e400 nor a
        // lone surrogate escape nor bytes that are not UTF-8): spliced into the body as a source could send them.
        const text = JSON.stringify(body)
          .replace('"__DEEP__"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`)
          .replace('"__1E400__"', '1e400')
          .replace('"__LONE__"', '"Ann\\ud800"');
        const [before, after] = text.split('__BADUTF8__') as [string, string];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.concat([Buffer.from(before), Buffer.from([0x4d, 0xff, 0xfe, 0x6c]), Buffer.from(after)]));
        return true;
      },
      {},
      async (run, seed, staging) => {
        expect(run.code, run.lines.join('\n')).toBe(0);
        expect(run.result).toMatchObject({ ok: true, fetched: 500, staged: 492, rejected: 8 });
        const reasons = (run.result as IngestSummary).rejectReasons;
        expect(reasons).toEqual([
          expect.stringMatching(/^invalid record: name\.first="M+\.\.\.: 3000000 characters, and the record is over its limit of 65536 in all$/),
          expect.stringMatching(/^invalid record: last_name="W+\.\.\.: 60000 characters, over the limit of 256$/),
          expect.stringMatching(/^invalid record: login\.extra(\.0)+=\(array of 1\): nested deeper than 32 levels$/),
          expect.stringMatching(/^invalid record: login\.many\.\d+=\(array of 1000000\): the record is over its limit of 65536 characters of JSON in all$/),
          expect.stringMatching(/^invalid record: location\.coordinates\.latitude=Infinity: /),
        ]);
        for (const reason of reasons) expect(reason).not.toMatch(/[\n\r]/);
        const expected = idsOf(seed, allPages)
          .filter((id) => !spoiled.includes(id))
          .sort();
        expect(expected).toHaveLength(492);
        expect(await staging.ids()).toEqual(expected);
        expect(await staging.outbox()).toEqual(expected);
      },
    );
  });

  it('empty results: fails at once, saying how many of the asked results came', async () => {
    await ingest(
      ({ page }, res) => page === 4 && answer(res, 200, { 'content-type': 'application/json' }, '{"results":[],"info":{"page":4}}'),
      {},
      async (run, seed, staging) => {
        await expectFailure(run, new RegExp(`^ingestor: fetching page 4 failed after 1 attempt: malformed response from ${pageUrl(seed, 4)}: sent 0 of the 100 results asked for$`), seed, staging, [1, 2, 3]);
      },
    );
  });

  it('a 40 MB body: refused at the default 16 MiB limit (reading stops there), not retried', async () => {
    await ingest(
      ({ page }, res) => {
        if (page !== 2) return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"results":[');
        const chunk = Buffer.alloc(256 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 40 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end(']}');
        };
        pump();
        return true;
      },
      {},
      async (run, seed, staging) => {
        await expectFailure(run, new RegExp(`^ingestor: fetching page 2 failed after 1 attempt: GET ${pageUrl(seed, 2)}: body grew over the 16777216-byte limit \\(INGESTOR_MAX_BODY_BYTES\\)$`), seed, staging, [1]);
        expect(api.requestsFor(2)).toHaveLength(1);
      },
    );
  });

  it('a 500 storm that outlasts the retries: fails in one line after 3 attempts', async () => {
    await ingest(
      ({ page }, res) => page === 2 && answer(res, 500, { 'content-type': 'application/json' }, '{"error":"storm"}'),
      {},
      async (run, seed, staging) => {
        await expectFailure(
          run,
          new RegExp(`^ingestor: fetching page 2 failed after 3 attempts: GET ${pageUrl(seed, 2)}: HTTP 500 Internal Server Error: "\\{\\\\"error\\\\":\\\\"storm\\\\"\\}"$`),
          seed,
          staging,
          [1],
        );
        expect(api.requestsFor(2)).toHaveLength(3);
      },
    );
  });

  it('a 429 storm: each retry waits the Retry-After it was given, then fails in one line', async () => {
    await ingest(
      ({ page }, res) => page === 3 && answer(res, 429, { 'retry-after': '1' }, '{"error":"slow down"}'),
      {},
      async (run, seed, staging) => {
        await expectFailure(run, new RegExp(`^ingestor: fetching page 3 failed after 3 attempts: GET ${pageUrl(seed, 3)}: HTTP 429 Too Many Requests: `), seed, staging, [1, 2]);
        const at = api.requestsFor(3);
        expect(at).toHaveLength(3);
        // Backoff alone is 10-50 ms here; Retry-After: 1 means at least a second between attempts.
        for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(950);
      },
    );
  });

  it('an answer that never comes: each attempt ends at INGESTOR_REQUEST_TIMEOUT_MS, then fails naming it', async () => {
    await ingest(
      ({ page }, res) => {
        if (page !== 2) return false;
        // Headers, then nothing: the timeout covers the body too.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"results":[');
        return true;
      },
      { INGESTOR_REQUEST_TIMEOUT_MS: '500' },
      async (run, seed, staging) => {
        await expectFailure(run, new RegExp(`^ingestor: fetching page 2 failed after 3 attempts: GET ${pageUrl(seed, 2)}: no complete answer within 500 ms \\(INGESTOR_REQUEST_TIMEOUT_MS\\)$`), seed, staging, [1]);
        expect(api.requestsFor(2)).toHaveLength(3);
      },
    );
  });
});
