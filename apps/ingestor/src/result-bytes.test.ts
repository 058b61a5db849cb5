import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalNumber, resultRanges } from './result-bytes.js';

const bytes = (text: string) => Buffer.from(text);
const parseRange = (body: Buffer, ranges: number[], k: number) => JSON.parse(body.subarray(ranges[2 * k], ranges[2 * k + 1]).toString()) as unknown;

/** Whitespace JSON allows between tokens. */
const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n  ');

/** JSON text of a value with whitespace between its tokens (JSON.stringify's own indentation). */
const jsonText = fc.tuple(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, '\t')).map(([v, indent]) => JSON.stringify(v, null, indent));

describe('isCanonicalNumber', () => {
  it('says yes only for a token JavaScript writes back the same (fast-check, any double and odd spellings)', { timeout: 120_000 }, () => {
    const token = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
      fc.integer().map(String),
      fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.nat({ max: 99999 }), fc.nat({ max: 8 })).map(([i, f, zeros]) => `${i}.${'0'.repeat(zeros)}${f}`),
      fc.constantFrom('-0', '0', '-0.0', '1.50', '1e21', '1E5', '0.000001', '0.0000001', '123456789012345', '1234567890123456', '12345678901234567890', '0.1234567890123456'),
    );
    fc.assert(
      fc.property(token, (t) => {
        if (isCanonicalNumber(bytes(t))) expect(String(JSON.parse(t))).toBe(t);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the plain integers and decimals a page holds, and refuses -0, exponents and trailing zeros', () => {
    for (const t of ['0', '8929', '-12', '63104', '-69.8246', '0.5', '0.000001', '123456789012345']) expect(isCanonicalNumber(bytes(t)), t).toBe(true);
    for (const t of ['-0', '-0.0', '1.50', '1.0', '1e21', '1E5', '0.0000001', '1234567890123456']) expect(isCanonicalNumber(bytes(t)), t).toBe(false);
  });
});

describe('resultRanges', () => {
  it('cuts out each result as JSON that parses to the same value, wherever the key and whatever the spacing (fast-check)', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(fc.array(jsonText, { maxLength: 8 }), jsonText, space, fc.boolean(), (results, info, ws, infoFirst) => {
        const array = `[${ws}${results.join(`${ws},${ws}`)}${ws}]`;
        const members = [`"results"${ws}:${ws}${array}`, `"info"${ws}:${ws}${info}`];
        const body = bytes(`${ws}{${ws}${(infoFirst ? members.reverse() : members).join(`${ws},${ws}`)}${ws}}${ws}`);
        const parsed = JSON.parse(body.toString()) as { results: unknown[] };
        const ranges = resultRanges(body)!;
        expect(ranges).toHaveLength(2 * parsed.results.length);
        parsed.results.forEach((value, k) => {
          if (ranges[2 * k]! >= 0) expect(parseRange(body, ranges, k)).toEqual(value);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('gives no range to a result with a number JavaScript writes otherwise or a \\u escape, and ranges to the others', () => {
    const body = bytes('{"results":[{"a":1.50},{"a":"\\u00e9"},{"a":"x\\\\u"},{"a":[1,-2.5,{"b":null}],"c":"\\"},]\\n"}],"info":{"page":1e3}}');
    const ranges = resultRanges(body)!;
    expect(ranges.slice(0, 4)).toEqual([-1, -1, -1, -1]);
    // An escaped backslash before a `u` is no \u escape.
    expect(parseRange(body, ranges, 2)).toEqual({ a: 'x\\u' });
    expect(parseRange(body, ranges, 3)).toEqual({ a: [1, -2.5, { b: null }], c: '"},]\n' });
  });

  it('reads the last of two results keys, as JSON.parse does, and gives up on an escaped top-level key', () => {
    const twice = bytes('{"results":[{"a":1}],"results":[{"b":2},{"c":3}]}');
    expect(resultRanges(twice)!.length).toBe(4);
    expect(parseRange(twice, resultRanges(twice)!, 1)).toEqual({ c: 3 });
    expect(resultRanges(bytes('{"r\\u0065sults":[{"a":1}]}'))).toBeUndefined();
    expect(resultRanges(bytes('{"info":{}}'))).toBeUndefined();
    expect(resultRanges(bytes('[{"a":1}]'))).toBeUndefined();
  });
});
