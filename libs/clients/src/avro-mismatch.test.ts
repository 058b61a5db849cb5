import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroMismatches } from './avro-mismatch.js';

const type = avro.Type.forSchema({
  type: 'record',
  name: 'User',
  fields: [
    { name: 'email', type: 'string' },
    { name: 'location', type: { type: 'record', name: 'Location', fields: [{ name: 'postcode', type: ['null', 'string'] }] } },
  ],
});

describe('avroMismatches', () => {
  it('names each bad field by its path, the value and the type it should be', () => {
    expect(avroMismatches(type, { email: 42, location: { postcode: 5 } })).toEqual(['email: 42 is not string', 'location.postcode: 5 is not null|string']);
  });

  it('says a field is missing, and shortens long values', () => {
    expect(avroMismatches(type, { location: 'x'.repeat(100) })).toEqual(['email: missing is not string', `location: "${'x'.repeat(56)}... is not record Location`]);
  });

  it('is empty for a value that fits', () => {
    expect(avroMismatches(type, { email: 'a@b.c', location: { postcode: null } })).toEqual([]);
  });
});
