import { describe, expect, it } from 'vitest';
import { apiUserNumericPostcode } from './fixtures/api-users.js';
import { mapApiUser } from './map-api-user.js';
import { userToStageType, usersCreatedType } from './schemas.js';

const fieldsOf = (type: unknown) => (type as { fields: Array<{ name: string; type: { typeName: string } }> }).fields.map((f) => [f.name, f.type.typeName]);

describe('userToStageType', () => {
  it('is users_created less staged_at, field for field', () => {
    expect(fieldsOf(userToStageType)).toEqual(fieldsOf(usersCreatedType).filter(([name]) => name !== 'staged_at'));
  });

  it('accepts a record to stage as usersCreatedType accepts it with a staged_at', () => {
    const record = mapApiUser(apiUserNumericPostcode, { source: 'api', ingestRunId: 'run-1' });
    for (const spoilt of [record, { ...record, street_number: 2 ** 31 }, { ...record, dob: 1.5 }, { ...record, source: 'file' }, { ...record, national_id_name: 3 }]) {
      expect(userToStageType.isValid(spoilt)).toBe(usersCreatedType.isValid({ ...spoilt, staged_at: 0 }));
    }
  });
});
