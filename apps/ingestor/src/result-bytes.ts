/**
 * Where each result of a page lies in the body's bytes, and what a scan of those bytes can vouch
 * for, so that the common record is neither serialized again for staging (its bytes go to
 * PostgreSQL as they came: libs/staging's staging-parameters.ts) nor walked for what PostgreSQL
 * could not store (stageable-record.ts). JSON.stringify of the parsed records and the UTF-8
 * encoding of that text cost more than the page's JSON.parse; this scan is one pass over bytes.
 *
 * Bytes, not the decoded string: a loop over bytes is cheaper than one over a string holding any
 * non-Latin-1 character. The scan follows JSON's structure without checking all of it: what it
 * finds is only used once each result's bytes, and the body without them, have been through
 * JSON.parse (api-client.ts: parseApiBody), and whatever it cannot read for certain (an escaped
 * top-level key, `results` not an array, separators that are not JSON's) gives no spans at all, so
 * the page takes the old path.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const RESULTS = Buffer.from('results', 'latin1');

/** The facts of one result (the third number of its span): its deepest nesting in the low byte, capped at 255 (1 for an object of scalars)... */
export const FACT_DEPTH = 0xff;
/** ...a `\u` escape anywhere in it (the only way JSON can spell a NUL or a lone surrogate)... */
export const FACT_UNICODE_ESCAPE = 0x100;
/** ...any backslash escape in it (the only way a JSON string holds a C0 control character)... */
export const FACT_ESCAPE = 0x200;
/** ...a number JavaScript would write back otherwise (isCanonicalNumber). */
export const FACT_ODD_NUMBER = 0x400;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isNumberByte = (c: number) => isDigit(c) || c === DOT || c === LOWER_E || c === UPPER_E || c === MINUS || c === PLUS;

/** Any decimal of up to 15 significant digits comes back the same through a double (DBL_DIG). */
const MAX_EXACT_DIGITS = 15;
/** `0.000001` is the smallest JavaScript writes without an exponent (1e-7 it writes `1e-7`). */
const MAX_LEADING_FRACTION_ZEROS = 5;

/**
 * True when `String(JSON.parse(token)) === token` holds for sure, for the JSON number token in
 * b[start, end): no exponent, not `-0`, no trailing zero in a fraction, at most 15 significant
 * digits, not below 1e-6. False for some that would come back the same too (e.g. 2 ** 60, 1e+21):
 * those only take the slower path. PostgreSQL's jsonb keeps a number as spelt (`1.50`, 20-digit
 * integers, `1e400`), JavaScript reads a double and writes it its own way: only a number spelt
 * as JavaScript writes it may go as it came.
 */
export function isCanonicalNumber(b: ArrayLike<number>, start = 0, end = b.length): boolean {
  let i = start;
  if (b[i] === MINUS) i++;
  const intStart = i;
  while (i < end && isDigit(b[i]!)) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || intDigits > MAX_EXACT_DIGITS) return false;
  // A leading zero only as the whole integer part (JSON allows no other); JavaScript writes `-0` as `0`.
  const zeroInt = b[intStart] === ZERO;
  if (zeroInt && intDigits > 1) return false;
  if (i === end) return !(zeroInt && intStart > start);
  if (b[i] !== DOT) return false; // an exponent
  const fracStart = ++i;
  while (i < end && isDigit(b[i]!)) i++;
  if (i !== end || i === fracStart || b[end - 1] === ZERO) return false;
  if (!zeroInt) return intDigits + (end - fracStart) <= MAX_EXACT_DIGITS;
  let zeros = 0;
  while (b[fracStart + zeros] === ZERO) zeros++;
  return zeros <= MAX_LEADING_FRACTION_ZEROS && end - fracStart - zeros <= MAX_EXACT_DIGITS;
}

/** Set by scanValue for the value it scanned (module variables: no object per value). */
let scannedFacts = 0;
/** The first backslash at or after where the scan is, or the body's length: strings before it are skipped by indexOf. */
let nextBackslash = 0;

/**
 * Scans the JSON value starting at b[i] (not whitespace): its end (exclusive), its facts in
 * scannedFacts; -1 when the bytes end first (never for a body JSON.parse accepted). A string with
 * no backslash before its closing quote is skipped by Buffer's indexOf, several times faster than a
 * loop over its bytes; one with a backslash is read byte by byte for its escapes.
 */
function scanValue(b: Buffer, i: number, n: number): number {
  let depth = 0;
  let maxDepth = 0;
  let facts = 0;
  while (i < n) {
    const c = b[i]!;
    if (c === QUOTE) {
      const close = b.indexOf(QUOTE, i + 1);
      if (close < 0) return -1;
      if (nextBackslash > close) {
        i = close + 1;
      } else {
        for (i++; ; ) {
          if (i >= n) return -1;
          const d = b[i++]!;
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            facts |= b[i] === LOWER_U ? FACT_ESCAPE | FACT_UNICODE_ESCAPE : FACT_ESCAPE;
            i++;
          }
        }
        nextBackslash = b.indexOf(BACKSLASH, i);
        if (nextBackslash < 0) nextBackslash = n;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) maxDepth = depth;
      i++;
      continue;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      i++;
    } else if (c === MINUS || isDigit(c)) {
      const start = i;
      for (i++; i < n && isNumberByte(b[i]!); i++);
      if (!isCanonicalNumber(b, start, i)) facts |= FACT_ODD_NUMBER;
    } else if (c === LOWER_T || c === LOWER_N) {
      i += 4; // true, null
    } else if (c === LOWER_F) {
      i += 5; // false
    } else if (depth > 0 && (isSpace(c) || c === COMMA || c === COLON)) {
      // Between the values of an array or object (JSON.parse of the result checks their order).
      i++;
      continue;
    } else {
      return -1;
    }
    if (depth === 0) {
      scannedFacts = facts | Math.min(maxDepth, FACT_DEPTH);
      return i;
    }
  }
  return -1;
}

const skipSpace = (b: Buffer, i: number) => {
  while (isSpace(b[i]!)) i++;
  return i;
};

/** Whether the unescaped key in b[start, end) is `results`. */
function isResultsKey(b: Buffer, start: number, end: number): boolean {
  if (end - start !== RESULTS.length) return false;
  for (let k = 0; k < RESULTS.length; k++) if (b[start + k] !== RESULTS[k]) return false;
  return true;
}

/** A body's results as the scan found them, each with its span in `body`. */
export interface ScannedResults {
  body: Uint8Array;
  /** How many results the `results` array holds. */
  count: number;
  /** For result k: its start at 3k, its end (exclusive) at 3k + 1, its facts (FACT_*) at 3k + 2. */
  spans: Int32Array;
  /** Where the array's elements begin (just past its `[`) and end (at its `]`): the body without them is the page's other fields. */
  open: number;
  close: number;
  /**
   * No DEL and no U+FFFD anywhere in the body: a string of a result with no escape (FACT_ESCAPE)
   * then holds no character checkTextFields refuses (JSON has no other way to a control character).
   */
  plainText: boolean;
}

const REPLACEMENT_CHARACTER = Buffer.from('\ufffd');

/**
 * The results of the body's top-level `results` array (the last one, as JSON.parse keeps the last
 * of a key given twice). Undefined when the scan cannot vouch for them: the body is not an object
 * with a `results` array, a top-level key is escaped, or the bytes do not follow JSON's structure
 * (they then are not JSON, which JSON.parse will say).
 */
export function scanResults(bytes: Uint8Array): ScannedResults | undefined {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = body.length;
  nextBackslash = body.indexOf(BACKSLASH);
  if (nextBackslash < 0) nextBackslash = n;
  // A byte order mark, which the decoder drops before JSON.parse.
  let i = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  i = skipSpace(body, i);
  if (body[i] !== OPEN_BRACE) return undefined;
  let found: ScannedResults | undefined;
  i = skipSpace(body, i + 1);
  while (body[i] === QUOTE) {
    const keyEnd = scanValue(body, i, n);
    if (keyEnd < 0 || scannedFacts & FACT_ESCAPE) return undefined;
    const isResults = isResultsKey(body, i + 1, keyEnd - 1);
    i = skipSpace(body, keyEnd);
    if (body[i] !== COLON) return undefined;
    i = skipSpace(body, i + 1);
    if (isResults) {
      if (body[i] !== OPEN_BRACKET) return undefined;
      const open = i + 1;
      let spans = new Int32Array(3 * 1024);
      let count = 0;
      i = skipSpace(body, open);
      while (body[i] !== CLOSE_BRACKET) {
        const end = scanValue(body, i, n);
        if (end < 0) return undefined;
        if (3 * count === spans.length) {
          const grown = new Int32Array(2 * spans.length);
          grown.set(spans);
          spans = grown;
        }
        spans[3 * count] = i;
        spans[3 * count + 1] = end;
        spans[3 * count + 2] = scannedFacts;
        count++;
        i = skipSpace(body, end);
        if (body[i] === COMMA) {
          i = skipSpace(body, i + 1);
          // JSON has no empty element: `[1,]` and `[1,,2]` are not arrays.
          if (body[i] === CLOSE_BRACKET || body[i] === COMMA) return undefined;
        } else if (body[i] !== CLOSE_BRACKET) return undefined;
      }
      found = { body, count, spans, open, close: i, plainText: false };
      i++;
    } else {
      i = scanValue(body, i, n);
      if (i < 0) return undefined;
    }
    i = skipSpace(body, i);
    if (body[i] === COMMA) i = skipSpace(body, i + 1);
    else if (body[i] !== CLOSE_BRACE) return undefined;
  }
  if (!found || body[i] !== CLOSE_BRACE) return undefined;
  found.plainText = body.indexOf(0x7f) < 0 && body.indexOf(REPLACEMENT_CHARACTER) < 0;
  return found;
}

/** Result k's facts (FACT_*) and its length in bytes. */
export const factsOf = (scanned: ScannedResults, k: number): number => scanned.spans[3 * k + 2]!;
export const lengthOf = (scanned: ScannedResults, k: number): number => scanned.spans[3 * k + 1]! - scanned.spans[3 * k]!;

/**
 * Result k's JSON as received, when PostgreSQL's jsonb makes of it exactly what it makes of
 * JSON.stringify of the parsed value: jsonb drops whitespace, orders keys and keeps a duplicate
 * key's last value as JSON.parse does, and decodes every escape but `\u` to the same characters
 * JSON.stringify writes; numbers (see isCanonicalNumber) and `\u` escapes (which PostgreSQL
 * decodes by the database's encoding, and refuses for a NUL) are where they can differ, and a
 * result holding either has none (apps/ingestor/tests/staged-row-identity.int.test.ts checks the
 * stored rows byte for byte).
 */
export function verbatimJson(scanned: ScannedResults, k: number): Uint8Array | undefined {
  if (factsOf(scanned, k) & (FACT_UNICODE_ESCAPE | FACT_ODD_NUMBER)) return undefined;
  return scanned.body.subarray(scanned.spans[3 * k]!, scanned.spans[3 * k + 1]!);
}
