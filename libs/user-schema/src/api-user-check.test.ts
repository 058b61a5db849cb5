import { describe, expect, it } from 'vitest';
import { apiUserSchema } from './api-user.js';
import { isPlainApiUser } from './api-user-check.js';
import { apiUserNumericPostcode, apiUserTextPostcode } from './fixtures/api-users.js';
import { mapApiUser, parseApiUser } from './map-api-user.js';

const meta = { source: 'api' as const, ingestRunId: 'run-1' };

/** Values tried in place of each field: wrong types, empties, numbers as text, odd dates and ids. */
const REPLACEMENTS: unknown[] = [
  undefined, null, true, false, 0, -1, 1.5, 2 ** 53, -0, 1e308, [], [1], {}, { a: 1 },
  '', ' ', 'x', 'ab', 'a@', '@', 'a@b', '12', ' 12 ', '12.5', '1e3', '0x1f', 'Infinity', '-69.8246', 'abc',
  '1992-03-08T15:13:16.688Z', '1992-03-08T15:13:16Z', '1992-03-08T15:13:16.688+02:00', '1992-03-08T15:13:16.688', '1992-02-30T00:00:00Z', '2000-02-29T00:00:00Z',
  '1992-03-08 15:13:16Z', 'yesterday', '7A0EED16-9430-4D68-901F-C0D4C1C3BF00', '7a0eed16-9430-0d68-901f-c0d4c1c3bf00', '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff', '7a0eed1694304d68901fc0d4c1c3bf00',
];

/** Every path in `value` (objects only), the record itself included as []. */
function pathsOf(value: unknown, at: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [at];
  return [at, ...Object.entries(value).flatMap(([key, inner]) => pathsOf(inner, [...at, key]))];
}

function withValue(record: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = { ...(record as Record<string, unknown>) };
  const [key, ...rest] = path as [string, ...string[]];
  if (rest.length === 0 && value === undefined) delete copy[key];
  else copy[key] = withValue(copy[key], rest, value);
  return copy;
}

describe('isPlainApiUser', () => {
  it('says yes to well-formed API results (they skip the schema parse)', () => {
    expect(isPlainApiUser(apiUserNumericPostcode)).toBe(true);
    expect(isPlainApiUser(apiUserTextPostcode)).toBe(true);
  });

  it('says yes only where the schema accepts, and the record mapped from it is the one mapped from the schema output', () => {
    let tried = 0;
    let plain = 0;
    for (const fixture of [apiUserNumericPostcode, apiUserTextPostcode]) {
      for (const path of pathsOf(fixture)) {
        for (const value of REPLACEMENTS) {
          const input = withValue(fixture, path, value);
          tried++;
          const accepted = apiUserSchema.safeParse(input).success;
          if (!isPlainApiUser(input)) continue;
          plain++;
          expect({ path, value, accepted }).toEqual({ path, value, accepted: true });
          expect(mapApiUser(input, meta)).toEqual(mapApiUser(parseApiUser(input), meta));
        }
      }
    }
    // Enough of both answers to mean something.
    expect(plain).toBeGreaterThan(200);
    expect(tried - plain).toBeGreaterThan(1000);
  });

  it('leaves to the schema what it coerces in other ways, which then maps it the same', () => {
    const input = withValue(apiUserNumericPostcode, ['location', 'street', 'number'], true);
    expect(isPlainApiUser(input)).toBe(false);
    expect(mapApiUser(input, meta).street_number).toBe(1);
  });
});
