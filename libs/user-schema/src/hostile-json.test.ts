import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainApiUser } from './api-user-check.js';
import { spoiltApiUser } from './fixtures/hostile-json.js';
import { InvalidRecordError } from './invalid-record-error.js';
import { mapApiUser } from './map-api-user.js';

const meta = { source: 'api' as const, ingestRunId: 'run-1' };

/** What the mapper may do with any input: map it, or refuse it in one line naming the field. */
function outcome(input: unknown): 'mapped' | 'refused' {
  try {
    mapApiUser(input, meta);
    return 'mapped';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).not.toMatch(/[\n\r\u2028\u2029]/);
    expect((error as Error).message.length).toBeLessThan(400);
    return 'refused';
  }
}

describe('the mapper on hostile JSON (fast-check)', () => {
  it('maps or refuses in one line, never throws anything else, whatever the input', () => {
    const seen = { mapped: 0, refused: 0 };
    fc.assert(
      fc.property(spoiltApiUser(), (input) => {
        seen[outcome(input)]++;
      }),
      { numRuns: 1500 },
    );
    // Both answers come up: the property is not passing on refusals alone.
    expect(seen.mapped).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(500);
  });

  it('isPlainApiUser answers a boolean for any input, and yes only to what then maps', () => {
    fc.assert(
      fc.property(spoiltApiUser(), (input) => {
        const plain = isPlainApiUser(input);
        expect(typeof plain).toBe('boolean');
        if (plain) expect(outcome(input)).toBe('mapped');
      }),
      { numRuns: 1000 },
    );
  });
});
