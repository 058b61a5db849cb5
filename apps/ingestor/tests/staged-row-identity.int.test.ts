/**
 * What staging stores, pinned byte for byte against real PostgreSQL, for pages whose JSON text
 * spells numbers and strings the ways a source may (`1.50`, `1E21`, `-0`, 20-digit integers,
 * `\u` escapes, coordinates as strings or numbers, any timezone offset text): users_raw.raw is
 * PostgreSQL's jsonb of the record as JavaScript read it (JSON.parse, then JSON.stringify), its
 * columns the mapped record's, and the outbox payload the mapped record's jsonb plus staged_at.
 * A faster staging path (sending the page's own bytes: see commit c8bb330) must keep these.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, type PgPool } from '@streamline/clients';
import { createDependencyRetry, createHealth, silentLogger } from '@streamline/runtime';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';
import { testConnections, uniqueName } from '@streamline/testing';
import { createApiClient } from '../src/api-client.js';
import { runIngest } from '../src/ingest.js';
import { createBatchStager, prepareStaging } from '../src/stage-batch.js';
import { toStageable } from '../src/stageable-record.js';

const config = testConnections();
const log = silentLogger();

/** JSON number texts JavaScript would write back otherwise, and ordinary ones. */
const numberText = fc.oneof(
  fc.constantFrom('-0', '-0.0', '0.0', '1.50', '1E21', '1e21', '1e+21', '1e-7', '0.0000001', '12345678901234567890', '9007199254740993', '1e400', '-1e-400', '0.1e1', '5e-324', '123.4560'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: -30, max: 30 })).map(([m, e]) => `${m}e${e}`),
  fc.integer().map(String),
);
/** A string as JSON text: plain, with `/` escaped as `\/`, or every character a `\u` escape (a surrogate pair kept together). */
const stringText = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('plain', 'solidus', 'unicode')).map(([s, how]) =>
  how === 'unicode'
    ? `"${s.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
    : how === 'solidus'
      ? JSON.stringify(`/${s}/`).replaceAll('/', '\\/')
      : JSON.stringify(s),
);
const valueText = fc.oneof(numberText, stringText);

/** Replaced by a new uuid on every run: a run fast-check repeats while shrinking must not find its users staged already. */
const UUID_SLOT = '00000000-0000-4000-8000-000000000000';

/** One result as the API's JSON text: the fixture with odd coordinates and offset, and extra fields spelt oddly. */
const resultText = fc
  .record({
    latitude: fc.oneof(numberText, fc.double({ noNaN: true, noDefaultInfinity: true, min: -90, max: 90 }).map((d) => JSON.stringify(String(d)))),
    offset: fc.constantFrom('+9:30', '-3:30', '0:00', '-0', '+0:00', '+14:00', '-12:00'),
    streetNumber: fc.oneof(fc.integer({ min: 1, max: 99999 }).map(String), fc.constantFrom('1.0', '1E3', '"42"')),
    extra: fc.array(valueText, { maxLength: 6 }),
  })
  .map(({ latitude, offset, streetNumber, extra }) => {
    const user = { ...apiUserNumericPostcode, login: { ...apiUserNumericPostcode.login, uuid: UUID_SLOT } };
    const text = JSON.stringify(user)
      .replace('"latitude":"-69.8246"', `"latitude":${latitude}`)
      .replace('"offset":"+9:30"', `"offset":${JSON.stringify(offset)}`)
      .replace('"number":8929', `"number":${streetNumber}`);
    return `{ "extra" : [ ${extra.join(' , ')} ] , ${text.slice(1)}`;
  });

describe('staged rows, byte for byte (real PostgreSQL, fast-check)', () => {
  const database = uniqueName('it_staged_identity');
  const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
  let pool: PgPool;
  let server: Server;
  let body = '';

  beforeAll(async () => {
    await admin.query(`CREATE DATABASE ${database}`);
    pool = createPgPool({ ...config.pg, database }, { max: 3 });
    await prepareStaging(pool, { ...config.pg, database });
    // Serves whatever page text the property made.
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    server?.close();
    await pool?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => admin.end());
  });

  it('users_raw and the outbox hold what the parsed records serialize to, whatever the page text spells', { timeout: 600_000 }, async () => {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    const client = createApiClient({ baseUrl, timeoutMs: 30_000, retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, log });
    const retry = createDependencyRetry({ log, health: createHealth(), signal: new AbortController().signal, minDelayMs: 1, maxDelayMs: 2 });
    const stage = createBatchStager(pool, { retry });
    let stored = 0;
    // Rows where the page's own spelling would have stored something else: what makes this test able to fail.
    let spellingDiffers = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(resultText, { minLength: 1, maxLength: 5 }), async (texts) => {
          const results = texts.map((text) => text.replace(UUID_SLOT, randomUUID()));
          body = ` {"info":{"seed":"s","results":${results.length},"page":1,"version":"1.4"},"results":[ ${results.join(',\n')} ]} `;
          const runId = uniqueName('run');
          const meta = { source: 'api' as const, ingestRunId: runId };
          const summary = await runIngest(
            { fetchPage: (request, signal) => client.fetchPage(request, signal), stage, log },
            { count: results.length, batchSize: results.length, concurrency: 1, maxInFlightBatches: 1, resultsPerPage: results.length, seed: 's', source: 'api', runId, progressIntervalMs: 0 },
          );
          // Every record either staged (and checked below) or refused as toStageable refuses it.
          const expected = results.flatMap((text) => {
            const raw: unknown = JSON.parse(text);
            try {
              return [{ text, raw, record: toStageable(raw, meta) }];
            } catch {
              return [];
            }
          });
          expect(summary.staged).toBe(expected.length);
          expect(summary.rejected).toBe(results.length - expected.length);
          for (const { text, raw, record } of expected) {
            const { rows } = await pool.query<{ raw: string; first_name: string; last_name: string; email: string; source: string; ingest_run_id: string; payload: string; want_raw: string; want_payload: string; as_spelt: string }>(
              `SELECT u.raw::text, u.first_name, u.last_name, u.email, u.source, u.ingest_run_id, o.payload::text,
                      $2::jsonb::text AS want_raw,
                      ($3::jsonb || jsonb_build_object('staged_at', (extract(epoch FROM u.staged_at) * 1000)::bigint))::text AS want_payload,
                      $4::jsonb::text AS as_spelt
               FROM users_raw u JOIN outbox o ON o.aggregateid = u.id::text WHERE u.id = $1`,
              [record.id, JSON.stringify(raw), JSON.stringify(record), text],
            );
            expect(rows).toHaveLength(1);
            const row = rows[0]!;
            expect(row.raw).toBe(row.want_raw);
            expect(row.payload).toBe(row.want_payload);
            expect([row.first_name, row.last_name, row.email, row.source, row.ingest_run_id]).toEqual([record.first_name, record.last_name, record.email, record.source, record.ingest_run_id]);
            stored++;
            if (row.as_spelt !== row.want_raw) spellingDiffers++;
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      client.close();
    }
    // The property ran on stored rows, not only on refusals.
    expect(stored).toBeGreaterThan(40);
    expect(spellingDiffers).toBeGreaterThan(5);
  });
});
