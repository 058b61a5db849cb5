import { describe, expect, it } from 'vitest';
import { apiUserSchema, mapApiUser, parseApiUser, usersCreatedSchema, usersCreatedType } from '@streamline/user-schema';
import { GENERATOR_MAX_RESULTS, filterFields, generatePage } from './generate-users.js';
import { NATIONALITIES } from './nationalities.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('generatePage', () => {
  it('is deterministic: the same seed and page give the same users, byte for byte', () => {
    const a = generatePage({ seed: 'alpha', page: 3, results: 200 });
    const b = generatePage({ seed: 'alpha', page: 3, results: 200 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('makes any page on its own: page 2 is the same whether page 1 was made before or not', () => {
    const alone = generatePage({ seed: 'beta', page: 2, results: 50 });
    generatePage({ seed: 'beta', page: 1, results: 50 });
    generatePage({ seed: 'other', page: 7, results: 10 });
    expect(generatePage({ seed: 'beta', page: 2, results: 50 })).toEqual(alone);
  });

  it('gives different users on different pages and for different seeds', () => {
    const uuids = (seed: string, page: number) => generatePage({ seed, page, results: 500 }).results.map((u) => u.login.uuid);
    const all = [...uuids('gamma', 1), ...uuids('gamma', 2), ...uuids('gamma', 3), ...uuids('delta', 1)];
    expect(new Set(all).size).toBe(all.length);
  });

  it('asking for fewer results gives a prefix of the same page', () => {
    const full = generatePage({ seed: 'eps', page: 4, results: 100 }).results;
    expect(generatePage({ seed: 'eps', page: 4, results: 30 }).results).toEqual(full.slice(0, 30));
  });

  it('answers with the API 1.4 shape: every field, info with seed, results, page and version', () => {
    const page = generatePage({ seed: 'shape', page: 5, results: 300 });
    expect(page.info).toEqual({ seed: 'shape', results: 300, page: 5, version: '1.4' });
    for (const u of page.results) {
      expect(Object.keys(u).sort()).toEqual(
        ['cell', 'dob', 'email', 'gender', 'id', 'location', 'login', 'name', 'nat', 'phone', 'picture', 'registered'].sort(),
      );
      expect(['female', 'male']).toContain(u.gender);
      expect(u.name.first && u.name.last && u.name.title).toBeTruthy();
      expect(Number.isInteger(u.location.street.number)).toBe(true);
      expect(typeof u.location.coordinates.latitude).toBe('string');
      expect(typeof u.location.coordinates.longitude).toBe('string');
      expect(u.location.timezone.offset).toMatch(/^[+-]?\d{1,2}:\d{2}$/);
      expect(u.login.uuid).toMatch(V4);
      expect(Object.keys(u.login).sort()).toEqual(['md5', 'password', 'salt', 'sha1', 'sha256', 'username', 'uuid']);
      expect(u.login.md5).toMatch(/^[0-9a-f]{32}$/);
      expect(u.login.sha1).toMatch(/^[0-9a-f]{40}$/);
      expect(u.login.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(u.email).toMatch(/^[a-z0-9.]+@example\.com$/);
      expect(new Date(u.dob.date).toISOString()).toBe(u.dob.date);
      expect(u.dob.age).toBeGreaterThanOrEqual(18);
      expect(Date.parse(u.registered.date)).toBeGreaterThan(Date.parse(u.dob.date));
      expect(u.picture.medium).toMatch(/^https:\/\/randomuser\.me\/api\/portraits\/med\/(women|men)\/\d+\.jpg$/);
      expect(NATIONALITIES.map((n) => n.code)).toContain(u.nat);
    }
  });

  it('sends postcodes as numbers for some nationalities and strings for others, and a null id value for some', () => {
    const users = generatePage({ seed: 'mix', page: 1, results: 2000 }).results;
    const byNat = (nat: string) => users.filter((u) => u.nat === nat);
    expect(byNat('US').length).toBeGreaterThan(0);
    expect(byNat('US').every((u) => typeof u.location.postcode === 'number')).toBe(true);
    expect(byNat('GB').every((u) => typeof u.location.postcode === 'string')).toBe(true);
    expect(byNat('AU').every((u) => u.id.name === 'TFN' && u.id.value === null)).toBe(true);
    expect(new Set(users.map((u) => u.nat)).size).toBe(NATIONALITIES.length);
  });

  it('honours nat', () => {
    const users = generatePage({ seed: 'nat', page: 1, results: 200, nat: 'us,GB' }).results;
    expect(new Set(users.map((u) => u.nat))).toEqual(new Set(['US', 'GB']));
    expect(generatePage({ seed: 'nat', page: 1, results: 20, nat: 'fr' }).results.every((u) => u.nat === 'FR' && u.location.country === 'France')).toBe(true);
  });

  it('caps results at 5000 like the API', () => {
    expect(generatePage({ seed: 'big', page: 1, results: 6000 }).results).toHaveLength(GENERATOR_MAX_RESULTS);
  });

  it('produces records the mapper accepts, 100% of them, for every nationality', () => {
    let count = 0;
    for (let page = 1; page <= 4; page++) {
      for (const user of generatePage({ seed: 'mapper', page, results: 1000 }).results) {
        expect(() => parseApiUser(user)).not.toThrow();
        const record = mapApiUser(user, { source: 'generator', ingestRunId: 'r' });
        expect(record.id).toBe(user.login.uuid);
        count++;
      }
    }
    expect(count).toBe(4000);
  });
});

describe('filterFields', () => {
  const user = generatePage({ seed: 'f', page: 1, results: 1 }).results[0]!;
  it('keeps only inc, drops exc', () => {
    expect(Object.keys(filterFields(user, 'login,email', null)).sort()).toEqual(['email', 'login']);
    expect(Object.keys(filterFields(user, null, 'picture,id'))).not.toContain('picture');
    expect(filterFields(user, null, null)).toBe(user);
  });
});

describe('the generator and the one schema definition', () => {
  // Drift guard: GeneratedUser restates the API's shape, so it is checked against both ends of the
  // contract: the API user schema the mapper validates, and the users_created .avsc the relay encodes.
  it('every generated user, of every nationality, maps to a record the users_created schema accepts, with every field of the .avsc', () => {
    const avscFields = (usersCreatedSchema as unknown as { fields: Array<{ name: string }> }).fields.map((f) => f.name);
    for (const nat of NATIONALITIES) {
      for (const raw of generatePage({ seed: `drift-${nat.code}`, page: 1, results: 20, nat: nat.code }).results) {
        expect(apiUserSchema.safeParse(raw).success, `${nat.code} user fits the API user schema`).toBe(true);
        const record = { ...mapApiUser(raw, { source: 'generator', ingestRunId: 'drift' }), staged_at: Date.now() };
        expect(Object.keys(record).sort(), `${nat.code}: record fields = .avsc fields`).toEqual([...avscFields].sort());
        const problems: string[] = [];
        usersCreatedType.isValid(record, { errorHook: (path, value) => problems.push(`${path.join('.')}=${JSON.stringify(value)}`) });
        expect(problems, `${nat.code}: values the .avsc refuses`).toEqual([]);
      }
    }
  });
});
