import { describe, expect, it } from 'vitest';
import { InvalidRecordError } from '@streamline/user-schema';
import { generatePage } from './generator/generate-users.js';
import { toStageable } from './stageable-record.js';

const meta = { source: 'api' as const, ingestRunId: 'run-1' };
type Json = { [key: string]: unknown };
const user = () => structuredClone(generatePage({ seed: 'stageable', page: 1, results: 1 }).results[0]!) as unknown as Json;
/** Sets (or, with no value, deletes) the field at a dotted path. */
const spoil = (record: Json, path: string, ...value: unknown[]) => {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => node[key] as Json, record);
  if (value.length === 0) delete parent[last];
  else parent[last] = value[0];
  return record;
};
const reasonFor = (raw: unknown) => {
  try {
    toStageable(raw, meta);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRecordError);
    return (error as Error).message;
  }
};

describe('toStageable', () => {
  it('maps a good result to the record to stage', () => {
    const raw = generatePage({ seed: 'stageable', page: 1, results: 1 }).results[0]!;
    expect(toStageable(raw, meta)).toMatchObject({ id: raw.login.uuid, first_name: raw.name.first, source: 'api', ingest_run_id: 'run-1' });
  });

  it('refuses wrong types and missing fields, naming the field (the mapper)', () => {
    expect(reasonFor(spoil(user(), 'name.first', 42))).toBe('invalid record: name.first=42: Invalid input: expected string, received number');
    expect(reasonFor(spoil(user(), 'login.uuid'))).toBe('invalid record: login.uuid=(missing): Invalid input: expected string, received undefined');
    expect(reasonFor(spoil(user(), 'location.street.number', 'twelve'))).toBe('invalid record: location.street.number="twelve": Invalid input: expected number, received NaN');
    expect(reasonFor(null)).toMatch(/^invalid record: \(record\)=null: /);
    expect(reasonFor('a user')).toMatch(/^invalid record: \(record\)="a user": /);
  });

  it('refuses what the relay could not encode: a street number beyond a 32-bit int', () => {
    expect(reasonFor(spoil(user(), 'location.street.number', 2 ** 31))).toBe('invalid record: street_number=2147483648: not a valid int of the users_created schema');
  });

  it('refuses what PostgreSQL could not store, anywhere in the raw JSON: NUL, lone surrogates', () => {
    expect(reasonFor(spoil(user(), 'name.first', 'Ann\u0000'))).toBe('invalid record: name.first="Ann\\u0000": contains a NUL character (\\u0000), which PostgreSQL cannot store');
    expect(reasonFor(spoil(user(), 'login.password', 'pa\ud800ss'))).toBe('invalid record: login.password="pa\\ud800ss": contains a lone UTF-16 surrogate, which PostgreSQL cannot store');
    expect(reasonFor(spoil(user(), 'extra', { 'bad\u0000key': 1 }))).toMatch(/^invalid record: extra\.bad key=.*: contains a NUL character/);
    const deep = user();
    let node: Json = (deep.extra = {});
    for (let i = 0; i < 40; i++) node = node.next = {};
    expect(reasonFor(deep)).toMatch(/^invalid record: extra\.next\.next[.\w]*=\(object of 1 keys\): nested deeper than 32 levels$/);
  });

  it('refuses a text field over its size-policy limit in one line naming the field and its length', () => {
    expect(reasonFor(spoil(user(), 'name.first', 'x'.repeat(60_000)))).toMatch(/^invalid record: first_name="x+\.\.\.: 60000 characters, over the limit of 256$/);
    expect(reasonFor(spoil(user(), 'email', `${'a'.repeat(400)}@example.com`))).toMatch(/^invalid record: email="a+\.\.\.: 412 characters, over the limit of 320$/);
    // A few megabytes: refused by the raw record's budget before the mapper copies anything.
    expect(reasonFor(spoil(user(), 'name.last', 'y'.repeat(3_000_000)))).toBe(
      `invalid record: name.last="${'y'.repeat(56)}...: 3000000 characters, and the record is over its limit of 65536 in all`,
    );
    // Within the limits is accepted as it is.
    expect(reasonFor(spoil(user(), 'name.first', 'x'.repeat(256)))).toBe('accepted');
  });

  it('refuses pathological JSON per record with a reason: deep nesting, huge arrays, control characters, odd numbers', () => {
    // 100,000 levels, in a field the mapper reads and in one it does not: JSON.stringify of either threw before.
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(reasonFor(spoil(user(), 'name.first', deep))).toMatch(/^invalid record: name\.first(\.0)+=\(array of \d\): nested deeper than 32 levels$/);
    expect(reasonFor(spoil(user(), 'login.extra', deep))).toMatch(/nested deeper than 32 levels$/);
    expect(reasonFor(spoil(user(), 'login.many', new Array(1_000_000).fill(0)))).toMatch(/^invalid record: login\.many\.\d+=\(array of 1000000\): the record is over its limit of 65536 characters of JSON in all$/);
    expect(reasonFor(spoil(user(), 'location.city', 'Lee\nds'))).toBe('invalid record: city="Lee\\nds": contains a control character');
    expect(reasonFor(spoil(user(), 'location.coordinates.latitude', JSON.parse('1e400')))).toMatch(/^invalid record: location\.coordinates\.latitude=Infinity: /);
    expect(reasonFor(spoil(user(), 'location.coordinates.longitude', 'NaN'))).toMatch(/^invalid record: location\.coordinates\.longitude="NaN": /);
    expect(reasonFor(spoil(user(), 'location.street.number', -0))).toBe('accepted');
  });
});
