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
    expect(reasonFor(spoil(user(), 'extra', { 'bad\u0000key': 1 }))).toMatch(/^invalid record: extra\.bad\u0000key=.*: contains a NUL character/);
    const deep = user();
    let node: Json = (deep.extra = {});
    for (let i = 0; i < 40; i++) node = node.next = {};
    expect(reasonFor(deep)).toMatch(/^invalid record: extra(\.next)+=".deep.": nested deeper than 32 levels$/);
  });
});
