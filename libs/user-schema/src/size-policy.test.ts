import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiUserNumericPostcode } from './fixtures/api-users.js';
import { META_FIELDS, mapApiUser } from './map-api-user.js';
import { usersCreatedType } from './schemas.js';
import { RECORD_MAX_BYTES, TEXT_LIMITS, checkTextFields, checkTextLengths, type TextField } from './size-policy.js';

const record = mapApiUser(apiUserNumericPostcode, { source: 'api', ingestRunId: 'run-1' });

describe('size policy', () => {
  it('names every text field of users_created but the enum', () => {
    const fields = (usersCreatedType as unknown as { fields: Array<{ name: string; type: { typeName: string; types?: Array<{ typeName: string }> } }> }).fields;
    const text = fields.filter((f) => f.type.typeName === 'string' || f.type.typeName === 'logical:uuid' || f.type.types?.some((t) => t.typeName === 'string')).map((f) => f.name);
    expect(Object.keys(TEXT_LIMITS).sort()).toEqual(text.sort());
  });

  it('passes a real record and a record at every limit; the latter encodes under RECORD_MAX_BYTES, with 3-byte characters', () => {
    expect(checkTextFields(record)).toBeUndefined();
    // '€' is 3 bytes of UTF-8 in 1 code unit: the most bytes a code unit can take.
    const widest = { ...record, staged_at: 0 } as Record<string, unknown>;
    for (const [field, max] of Object.entries(TEXT_LIMITS)) if (field !== 'id') widest[field] = '€'.repeat(max);
    expect(checkTextFields(widest as typeof record)).toBeUndefined();
    expect(usersCreatedType.toBuffer(widest).length).toBeLessThan(RECORD_MAX_BYTES);
    // Kafka's default max.message.bytes (1 MiB) and Cassandra's batch_size_fail_threshold (50 KiB) hold one.
    expect(RECORD_MAX_BYTES).toBeLessThan(50 * 1024);
  });

  it.each(Object.entries(TEXT_LIMITS).filter(([f]) => f !== 'id') as Array<[TextField, number]>)('refuses %s one character over its limit of %i, naming the field and length', (field, max) => {
    expect(checkTextFields({ ...record, [field]: 'a'.repeat(max + 1) })).toEqual({ field, length: max + 1, reason: `${max + 1} characters, over the limit of ${max}` });
  });

  it('refuses a control character in a text field', () => {
    expect(checkTextFields({ ...record, city: 'Lee\tds' })).toEqual({ field: 'city', length: 6, reason: 'contains a control character' });
    expect(checkTextFields({ ...record, last_name: 'M\ufffdller' })).toEqual({ field: 'last_name', length: 6, reason: 'contains invalid UTF-8 (decoded as U+FFFD)' });
  });
});

describe('checkTextLengths', () => {
  const unprintable = /[\u0000-\u001f\u007f\ufffd]/;
  const fields = [...Object.keys(TEXT_LIMITS), 'source'] as TextField[];

  it("answers as checkTextFields for a record whose fields but the unvouched ones hold nothing but printable text (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...fields), fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 3000 }))), { maxLength: 4 }),
        (changes) => {
          const changed = { ...record } as Record<string, unknown>;
          for (const [field, value] of changes) changed[field] = value;
          // What the caller vouches for: no control character or U+FFFD outside META_FIELDS.
          const vouchable = Object.entries(changed).every(([f, v]) => (META_FIELDS as readonly string[]).includes(f) || typeof v !== 'string' || !unprintable.test(v));
          if (vouchable) expect(checkTextLengths(changed as typeof record, META_FIELDS)).toEqual(checkTextFields(changed as typeof record));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('still reads the unvouched fields whole: a control character in the run id', () => {
    expect(checkTextLengths({ ...record, ingest_run_id: 'run\t1' }, META_FIELDS)).toEqual({ field: 'ingest_run_id', length: 5, reason: 'contains a control character' });
    expect(checkTextLengths({ ...record, city: 'x'.repeat(300) }, META_FIELDS)).toEqual({ field: 'city', length: 300, reason: '300 characters, over the limit of 256' });
  });
});
