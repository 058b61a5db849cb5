import { describe, expect, it } from 'vitest';
import { apiUserNumericPostcode, apiUserTextPostcode } from './fixtures/api-users.js';
import { InvalidRecordError } from './invalid-record-error.js';
import { mapApiUser } from './map-api-user.js';
import { usersCreatedType } from './schemas.js';

const meta = { source: 'api' as const, ingestRunId: 'run-1' };

describe('mapApiUser', () => {
  it('maps every field of an API 1.4 result, with login.uuid as the id', () => {
    const user = mapApiUser(apiUserNumericPostcode, meta);
    expect(user).toEqual({
      id: '7a0eed16-9430-4d68-901f-c0d4c1c3bf00',
      gender: 'female',
      title: 'Miss',
      first_name: 'Jennie',
      last_name: 'Nichols',
      street_number: 8929,
      street_name: 'Valwood Pkwy',
      city: 'Billings',
      state: 'Michigan',
      country: 'United States',
      post_code: '63104',
      latitude: -69.8246,
      longitude: 134.8719,
      timezone_offset: '+9:30',
      timezone_description: 'Adelaide, Darwin',
      email: 'jennie.nichols@example.com',
      username: 'yellowpeacock117',
      dob: Date.parse('1992-03-08T15:13:16.688Z'),
      registered_date: Date.parse('2007-07-09T05:51:59.390Z'),
      phone: '(272) 790-0888',
      cell: '(489) 330-2385',
      national_id_name: 'SSN',
      national_id_value: '405-88-3636',
      picture_large: 'https://randomuser.me/api/portraits/women/75.jpg',
      picture_medium: 'https://randomuser.me/api/portraits/med/women/75.jpg',
      picture_thumbnail: 'https://randomuser.me/api/portraits/thumb/women/75.jpg',
      nationality: 'US',
      source: 'api',
      ingest_run_id: 'run-1',
    });
  });

  it('keeps text postcodes as they are, lower-cases the uuid and turns an empty national id into null', () => {
    const user = mapApiUser(apiUserTextPostcode, meta);
    expect(user.post_code).toBe('F7 2QJ');
    expect(user.id).toBe('b4c3f7a8-1e5e-4a6c-9c57-1f0e7b4c2d11');
    expect(user.national_id_name).toBeNull();
    expect(user.national_id_value).toBeNull();
  });

  it('gives the same id for the same user fetched twice (idempotent reruns)', () => {
    expect(mapApiUser(apiUserNumericPostcode, meta).id).toBe(mapApiUser(structuredClone(apiUserNumericPostcode), { ...meta, ingestRunId: 'run-2' }).id);
  });

  it('produces a record the users_created Avro schema accepts', () => {
    const record = { ...mapApiUser(apiUserNumericPostcode, meta), staged_at: 1_700_000_000_000 };
    expect(usersCreatedType.isValid(record)).toBe(true);
    expect(usersCreatedType.fromBuffer(usersCreatedType.toBuffer(record))).toEqual(record);
  });

  it.each([
    ['login.uuid', { ...apiUserNumericPostcode, login: { ...apiUserNumericPostcode.login, uuid: 'not-a-uuid' } }, '"not-a-uuid"'],
    ['email', { ...apiUserNumericPostcode, email: 'nobody' }, '"nobody"'],
    ['dob.date', { ...apiUserNumericPostcode, dob: { date: 'yesterday', age: 3 } }, '"yesterday"'],
    ['name.first', { ...apiUserNumericPostcode, name: { title: 'Mr', last: 'X' } }, '(missing)'],
  ])('rejects a bad %s in one line naming the field and value', (field, input, shown) => {
    let error: unknown;
    try {
      mapApiUser(input, meta);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRecordError);
    const message = (error as Error).message;
    expect(message).toContain(`${field}=${shown}`);
    expect(message).not.toContain('\n');
  });
});
