/**
 * The byte path (parseApiBody's per-result parse, the scan's vouching in toStageable, each raw
 * staged from the bytes it came in) against the path it replaced (parseApiResponse of the decoded
 * body, toStageable's every check, JSON.stringify of each raw and record): for generated and
 * hostile pages, spelt every way JSON allows, the same results, the same records or the same
 * one-line refusals, and parameters PostgreSQL stores alike (jsonbModel; against the real server:
 * tests/staged-row-identity.int.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@streamline/runtime';
import { stagingParameterText, stagingParameter, type StagingItem } from '@streamline/staging';
import { jsonbModel } from '@streamline/staging/testing';
import { apiUserNumericPostcode, spoiltApiUser, withValue } from '@streamline/user-schema/testing';
import { parseApiBody, parseApiResponse } from './api-client.js';
import { generatePage } from './generator/generate-users.js';
import { runIngest } from './ingest.js';
import { verbatimJson } from './result-bytes.js';
import type { StageItem } from './stage-batch.js';
import { toStageable, vouchedByScan } from './stageable-record.js';

const url = 'http://api.test/api/';
const meta = { source: 'api' as const, ingestRunId: 'run-1' };
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Number spellings JavaScript would write back otherwise, beside its own. */
const ODD_NUMBERS = ['-0', '-0.0', '0.0', '1.50', '1E21', '1e+21', '1e-7', '0.0000001', '12345678901234567890', '9007199254740993', '1e400', '-1e-400', '0.1e1', '123.4560'];

/** JSON text of `value`, spelt as `choices` say: whitespace, escapes (`\/`, `\u`), number spellings, a key given twice. */
function spell(value: unknown, choices: readonly number[]): string {
  let at = 0;
  const pick = (n: number) => choices[at++ % choices.length]! % n;
  const ws = () => ['', '', ' ', '\n  ', '\t', '\r\n'][pick(6)]!;
  const str = (s: string) => {
    const how = pick(6);
    if (how === 0) return JSON.stringify(s).replaceAll('/', '\\/');
    if (how === 1) return `"${[...JSON.stringify(s).slice(1, -1)].map((c) => (c.length === 1 && c !== '\\' && pick(3) === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')}"`;
    return JSON.stringify(s);
  };
  const walk = (v: unknown, depth = 0): string => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'null';
      const plain = JSON.stringify(v);
      const how = pick(10);
      if (how === 0) return v.toExponential();
      if (how === 1) return /[.e]/.test(plain) ? plain : `${plain}.0`;
      if (how === 2) return ODD_NUMBERS[pick(ODD_NUMBERS.length)]!;
      return plain;
    }
    if (typeof v === 'string') return str(v);
    // Deep nests (thousands of levels) as JSON.stringify writes them: past a few dozen, spelling them adds nothing.
    if (v === null || typeof v !== 'object' || depth > 40) return JSON.stringify(v) ?? 'null';
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => walk(x, depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    const fields = entries.map(([k, x]) => `${str(k)}${ws()}:${ws()}${walk(x, depth + 1)}`);
    // A key given twice: JSON.parse and jsonb both keep the last value.
    if (entries.length > 0 && pick(6) === 0) fields.unshift(`${str(entries[0]![0])}:${walk(ODD_NUMBERS[pick(ODD_NUMBERS.length)])}`);
    return `{${ws()}${fields.join(`${ws()},${ws()}`)}${ws()}}`;
  };
  return walk(value);
}

const generated = fc.tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 1, max: 50 })).map(([seed, page]) => generatePage({ seed, page, results: 1 }).results[0] as unknown);
/** A text field holding what JSON carries unescaped but the size policy refuses: DEL, U+FFFD (as a decoder leaves invalid UTF-8). */
const unprintable = fc
  .tuple(generated, fc.constantFrom(['name', 'first'], ['location', 'city'], ['email'], ['login', 'username'], ['picture', 'large']), fc.constantFrom('\u007f', '\ufffd'))
  .map(([user, path, c]) => withValue(user, path, `a${c}b@`));
const result = fc.oneof(
  { weight: 3, arbitrary: generated },
  { weight: 1, arbitrary: fc.constant(apiUserNumericPostcode as unknown) },
  { weight: 1, arbitrary: unprintable },
  { weight: 3, arbitrary: spoiltApiUser() },
);

/** A page's bytes: results spelt oddly, info before or after them, sometimes a BOM, another `results` first, or bytes spoilt. */
const body = fc
  .record({
    results: fc.array(result, { minLength: 1, maxLength: 6 }),
    choices: fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
    layout: fc.constantFrom('results first', 'info first', 'bom', 'results twice'),
    spoil: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, fc.tuple(fc.constantFrom('cut', 'byte', 'invalid utf-8'), fc.nat(), fc.nat(255))),
  })
  .map(({ results, choices, layout, spoil }) => {
    const list = spell(results, choices);
    const info = '"info":{"seed":"s","results":1,"page":1,"version":"1.4"}';
    const text =
      layout === 'info first' ? `{${info}, "results" : ${list}}` : layout === 'results twice' ? `{"results":[1,"x"],${info},"results":${list}}` : `{"results":${list},${info}}`;
    let bytes = Buffer.from(layout === 'bom' ? `\ufeff${text}` : text);
    if (spoil) {
      const [how, at, byte] = spoil;
      const where = at % bytes.length;
      if (how === 'cut') bytes = bytes.subarray(0, where);
      else if (how === 'byte') bytes = Buffer.concat([bytes.subarray(0, where), Buffer.from([byte]), bytes.subarray(where + 1)]);
      else bytes = Buffer.concat([bytes.subarray(0, where), Buffer.from([0xff]), bytes.subarray(where)]);
    }
    return bytes;
  });

/** What a path made of a body: its error, or per result its record (JSON) or refusal, and the raw JSON text staged. */
type Outcome = { error: string; retriable: boolean } | { info: unknown; users: Array<{ record?: string; refused?: string; raw?: string }>; parameter: string };

function outcome(parse: () => { results: unknown[]; info: unknown }, stage: (results: unknown[], k: number) => { item?: StagingItem; refused?: string }): Outcome {
  let page;
  try {
    page = parse();
  } catch (error) {
    return { error: (error as Error).message, retriable: (error as { retriable?: boolean }).retriable === true };
  }
  const items: StagingItem[] = [];
  const users = page.results.map((_, k) => {
    const { item, refused } = stage(page.results, k);
    if (!item) return { refused };
    items.push(item);
    const raw = item.rawJson ? Buffer.from(item.rawJson).toString('utf8') : JSON.stringify(item.raw);
    return { record: JSON.stringify(item.record), raw: jsonbModel(raw) };
  });
  return { info: page.info, users, parameter: jsonbModel(stagingParameterText(stagingParameter(items))) };
}

const refusal = (error: unknown) => (error as Error).message;

describe('the byte path stages what the parse-and-stringify path staged (fast-check)', () => {
  it('the same results, records, refusals and stored JSON for any page, spelt any way; the same error for a broken one', () => {
    const seen = { bodies: 0, broken: 0, staged: 0, verbatim: 0, refused: 0, guarded: 0 };
    fc.assert(
      fc.property(body, (bytes) => {
        seen.bodies++;
        const before = outcome(
          () => parseApiResponse(url, decode(bytes)),
          (results, k) => {
            try {
              return { item: { raw: results[k], record: toStageable(results[k], meta) } };
            } catch (error) {
              return { refused: refusal(error) };
            }
          },
        );
        let scanned: ReturnType<typeof parseApiBody>['scanned'];
        const after = outcome(
          () => ({ scanned } = parseApiBody(url, bytes)),
          (results, k) => {
            try {
              const record = toStageable(results[k], meta, scanned ? vouchedByScan(scanned, k) : 0);
              return { item: { raw: results[k], rawJson: scanned && verbatimJson(scanned, k), record } };
            } catch (error) {
              return { refused: refusal(error) };
            }
          },
        );
        expect(after).toEqual(before);
        if ('error' in before) seen.broken++;
        else {
          for (const u of before.users) {
            if (u.refused === undefined) seen.staged++;
            else seen.refused++;
          }
          for (let k = 0; scanned && k < scanned.count; k++) {
            const slice = Buffer.from(scanned.body.subarray(scanned.spans[3 * k]!, scanned.spans[3 * k + 1]!)).toString('utf8');
            if (verbatimJson(scanned, k)) seen.verbatim++;
            // Where the page's own spelling would have been stored otherwise, and the guard kept it out.
            else if (before.users[k]!.raw !== undefined && jsonbModel(slice) !== before.users[k]!.raw) seen.guarded++;
          }
        }
      }),
      { numRuns: 400 },
    );
    // The property ran on every kind of case, the guard's too.
    expect(seen.broken).toBeGreaterThan(20);
    expect(seen.staged).toBeGreaterThan(200);
    expect(seen.verbatim).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.guarded).toBeGreaterThan(10);
  });

  it('the same error for bodies broken where only the scan looks: between the results', () => {
    const bodies = ['{"results":[{"a":1},]}', '{"results":[,{"a":1}]}', '{"results":[{"a":1},,{"b":2}]}', '{"results":[{"a":1} {"b":2}]}', '{"results":[{"a":1}]]}', '{"results":[{"a":1}],}', '{"results":[{"a":1}]} x', '{"results":[{"a":1}:{"b":2}]}', '{"results":[{"a":1}], "results":[1,]}'];
    for (const text of bodies) {
      const bytes = Buffer.from(text);
      const before = (() => {
        try {
          return parseApiResponse(url, text);
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(typeof before).toBe('string');
      expect(() => parseApiBody(url, bytes)).toThrow(before as string);
    }
  });

  it('a run stages the same users and counts the same refusals, pages read from their bytes or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 4 }), async (bodies) => {
        const run = async (fromBytes: boolean) => {
          const staged: string[] = [];
          const summary = await runIngest(
            {
              fetchPage: async (req) => {
                const bytes = bodies[req.page - 1]!;
                return fromBytes ? parseApiBody(url, bytes) : parseApiResponse(url, decode(bytes));
              },
              stage: async (batch: StageItem[]) => {
                staged.push(jsonbModel(stagingParameterText(stagingParameter(batch))));
                return { staged: batch.length, duplicates: 0 };
              },
              log: silentLogger(),
            },
            // One page at a time, so the batches are cut alike.
            { count: 6 * bodies.length, batchSize: 5, concurrency: 1, maxInFlightBatches: 1, resultsPerPage: 6, seed: 's', source: 'api', runId: 'run-1', progressIntervalMs: 0 },
          ).catch((error: unknown) => (error as Error).message);
          if (typeof summary === 'string') return { failed: summary, staged };
          const { fetched, rejected, rejectReasons } = summary;
          return { fetched, staged: summary.staged, rejected, rejectReasons, batches: staged };
        };
        expect(await run(true)).toEqual(await run(false));
      }),
      { numRuns: 60 },
    );
  });
});
