import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePage } from './generator/generate-users.js';
import { FACT_DEPTH, FACT_ESCAPE, FACT_ODD_NUMBER, FACT_UNICODE_ESCAPE, factsOf, isCanonicalNumber, scanResults, verbatimJson } from './result-bytes.js';

const bytes = (text: string) => Buffer.from(text);
const slices = (text: string) => {
  const scanned = scanResults(bytes(text));
  return scanned && Array.from({ length: scanned.count }, (_, k) => Buffer.from(scanned.body.subarray(scanned.spans[3 * k]!, scanned.spans[3 * k + 1]!)).toString());
};

describe('scanResults', () => {
  it("finds each result of a generated page, every one's bytes stageable as they came", () => {
    const page = generatePage({ seed: 'scan', page: 1, results: 50 });
    for (const text of [JSON.stringify(page), JSON.stringify(page, null, 2), `\ufeff ${JSON.stringify({ info: page.info, results: page.results })}`]) {
      const scanned = scanResults(bytes(text))!;
      expect(scanned.count).toBe(50);
      for (let k = 0; k < 50; k++) expect(JSON.parse(Buffer.from(verbatimJson(scanned, k)!).toString())).toEqual(page.results[k]);
      expect(scanned.plainText).toBe(true);
    }
  });

  it('takes the last results array of a key given twice, as JSON.parse does, and any JSON value as a result', () => {
    expect(slices('{"results":[{"a":1}],"results":[ {"b":[2,{}]} , "x",null,true,false,-1.5e3,[] ]}')).toEqual(['{"b":[2,{}]}', '"x"', 'null', 'true', 'false', '-1.5e3', '[]']);
    expect(slices('{"results":[]}')).toEqual([]);
  });

  it('vouches for nothing it cannot read for certain', () => {
    for (const text of ['[{"results":[]}]', '{"results":{}}', '{"res\\u0075lts":[{}]}', '{"info":{}}', '{"results":[1 2]}', '{"results":[{"a":"b}]}', '', 'null']) {
      expect(scanResults(bytes(text))).toBeUndefined();
    }
  });

  it('notes what a result holds: escapes, \\u escapes, odd numbers, its depth; DEL or U+FFFD anywhere in the body', () => {
    const scanned = scanResults(bytes('{"results":[{"a":"x\\ny"},{"a":"\\u00e9"},{"a":1.50},{"a":[[1]]},{"a":"\\\\u0000"}]}'))!;
    expect([0, 1, 2, 3, 4].map((k) => factsOf(scanned, k))).toEqual([FACT_ESCAPE | 1, FACT_ESCAPE | FACT_UNICODE_ESCAPE | 1, FACT_ODD_NUMBER | 1, 3, FACT_ESCAPE | 1]);
    // Sent as they came only where jsonb reads them as it reads JSON.stringify of the parsed value.
    expect([0, 1, 2, 3, 4].map((k) => verbatimJson(scanned, k) !== undefined)).toEqual([true, false, false, true, true]);
    expect(factsOf(scanResults(bytes(`{"results":[${'['.repeat(300)}${']'.repeat(300)}]}`))!, 0) & FACT_DEPTH).toBe(FACT_DEPTH);
    expect(scanResults(bytes('{"results":[{"a":"x\u007fy"}]}'))!.plainText).toBe(false);
    expect(scanResults(bytes('{"results":[{"a":"x\ufffdy"}]}'))!.plainText).toBe(false);
  });
});

describe('isCanonicalNumber', () => {
  const canonical = (token: string) => isCanonicalNumber(Buffer.from(token));

  it('says yes to the numbers JavaScript writes back as spelt, no to the others', () => {
    for (const yes of ['0', '7', '-42', '8929', '123456789012345', '-69.8246', '0.5', '0.000001', '-0.25']) expect(canonical(yes)).toBe(true);
    for (const no of ['-0', '0.0', '1.50', '1.0', '1e3', '1E21', '1e+21', '0.0000001', '1234567890123456', '12345678901234567890', '1e400', '01']) expect(canonical(no)).toBe(false);
  });

  it('never says yes to a number JavaScript would write back otherwise (fast-check)', () => {
    const token = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toExponential()),
      fc.tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9]\d{0,19})$/), fc.stringMatching(/^\d{0,19}$/)).map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`),
    );
    fc.assert(
      fc.property(token, (t) => {
        if (canonical(t)) expect(JSON.stringify(JSON.parse(t))).toBe(t);
      }),
      { numRuns: 5000 },
    );
  });
});
