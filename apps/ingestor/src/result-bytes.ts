/**
 * Where each record of a page lies in the body's bytes, so staging can send a record's raw JSON
 * as it came instead of JSON.stringify-ing the parsed value again and encoding that to UTF-8
 * (which cost more than the parse). Bytes, not the decoded string: a loop over bytes is several
 * times cheaper than one over a string holding any non-Latin-1 character.
 *
 * A record's bytes are only handed out where PostgreSQL's jsonb makes of them exactly what it
 * makes of the re-serialized value: jsonb drops whitespace, orders keys and keeps a duplicate
 * key's last value, as JSON.parse + JSON.stringify do, and strings decode to the same characters.
 * Numbers are where the two differ (jsonb keeps `1.50`, `1e400` and 20-digit integers exactly;
 * JavaScript reads a double and writes `1.5`, `null`, a rounded integer), and `\u` escapes, which
 * PostgreSQL decodes according to the database's encoding. A record holding a number not written
 * the way JavaScript writes it back (isCanonicalNumber), or any `\u` escape, gets no range: it is
 * serialized from its parsed value as before (apps/ingestor/tests/staged-row-identity.int.test.ts
 * checks the stored rows byte for byte).
 *
 * The body has been through JSON.parse, so it is well-formed JSON: this only follows its
 * structure, it does not check it. What it cannot read for certain (an escaped top-level key)
 * gives no ranges at all.
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
const RESULTS = [...'results'].map((c) => c.charCodeAt(0));

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** Any decimal of up to 15 significant digits comes back the same through a double (DBL_DIG). */
const MAX_EXACT_DIGITS = 15;
/** `0.000001` is the smallest JavaScript writes without an exponent (1e-7 it writes `1e-7`). */
const MAX_LEADING_FRACTION_ZEROS = 5;

/**
 * True when `String(JSON.parse(token)) === token` holds for sure, for the JSON number token in
 * b[start, end): no exponent, not `-0`, no trailing zero in a fraction, at most 15 significant
 * digits, not below 1e-6. False for some that would come back the same too (e.g. 2 ** 60): those
 * only take the slower path.
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

/** Set by scanValue: where the value ended, and whether its bytes are stageable as they are. */
const scanned = { end: 0, asIs: true };

/** Scans the value starting at `i` (no whitespace before it) into `scanned`. */
function scanValue(b: Uint8Array, i: number): void {
  let asIs = true;
  let depth = 0;
  for (;;) {
    const c = b[i]!;
    if (c === QUOTE) {
      for (i++; ; i++) {
        const d = b[i];
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          if (b[++i] === LOWER_U) asIs = false;
        } else if (d === undefined) throw new Error('unterminated string in a body JSON.parse accepted');
      }
      i++;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      i++;
      continue;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      i++;
    } else if (c === MINUS || isDigit(c)) {
      const start = i;
      for (let d = b[++i]!; isDigit(d) || d === DOT || d === LOWER_E || d === UPPER_E || d === MINUS || d === PLUS; d = b[++i]!);
      if (asIs && !isCanonicalNumber(b, start, i)) asIs = false;
    } else if (c === LOWER_T || c === LOWER_N) {
      i += 4; // true, null
    } else if (c === LOWER_F) {
      i += 5; // false
    } else if (isSpace(c) || c === COMMA || c === COLON) {
      i++;
      continue;
    } else {
      throw new Error(`unexpected byte ${c} at ${i} in a body JSON.parse accepted`);
    }
    if (depth === 0) {
      scanned.end = i;
      scanned.asIs = asIs;
      return;
    }
  }
}

const skipSpace = (b: Uint8Array, i: number) => {
  while (isSpace(b[i]!)) i++;
  return i;
};

/** Whether the key whose opening quote is at `i` is exactly `results`, unescaped; undefined for an escaped key. */
function isResultsKey(b: Uint8Array, i: number, end: number): boolean | undefined {
  if (b.subarray(i + 1, end).includes(BACKSLASH)) return undefined;
  return end - i - 1 === RESULTS.length && RESULTS.every((c, k) => b[i + 1 + k] === c);
}

/**
 * For each element of the body's top-level `results` array, in order, its start and end (end
 * exclusive) as two numbers, or -1, -1 where its bytes are not stageable as they are; undefined
 * when the body is not an object with a `results` array read for certain. `body` is the UTF-8 of
 * JSON that JSON.parse accepted.
 */
export function resultRanges(body: Uint8Array): number[] | undefined {
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_BRACE) return undefined;
  i = skipSpace(body, i + 1);
  let results: number | undefined;
  while (body[i] === QUOTE) {
    scanValue(body, i);
    const keyEnd = scanned.end - 1;
    const isResults = isResultsKey(body, i, keyEnd);
    if (isResults === undefined) return undefined;
    i = skipSpace(body, skipSpace(body, keyEnd + 1) + 1); // past the colon
    // A key given twice: JSON.parse keeps the last.
    if (isResults) results = i;
    scanValue(body, i);
    i = skipSpace(body, scanned.end);
    if (body[i] === COMMA) i = skipSpace(body, i + 1);
  }
  if (results === undefined || body[results] !== OPEN_BRACKET) return undefined;
  const ranges: number[] = [];
  i = skipSpace(body, results + 1);
  while (body[i] !== CLOSE_BRACKET) {
    scanValue(body, i);
    if (scanned.asIs) ranges.push(i, scanned.end);
    else ranges.push(-1, -1);
    i = skipSpace(body, scanned.end);
    if (body[i] === COMMA) i = skipSpace(body, i + 1);
  }
  return ranges;
}
