import { createHash } from 'node:crypto';
import { Faker, base } from '@faker-js/faker';
import { FALLBACK_LOCALE, NATIONALITIES, type Nationality, TIMEZONES, USERNAME_ANIMALS, USERNAME_WORDS, selectNationalities } from './nationalities.js';

/**
 * Dates and ages are computed against this fixed day rather than "now", so that a seed gives the
 * same bytes on any day (the API computes ages against today; the Spark job recomputes them).
 */
export const GENERATOR_REFERENCE_DATE = new Date('2025-01-01T00:00:00.000Z');
export const GENERATOR_VERSION = '1.4';
/** The API answers at most this many results per request. */
export const GENERATOR_MAX_RESULTS = 5000;

/** One result, shaped exactly like a randomuser.me API 1.4 result. */
export interface GeneratedUser {
  gender: 'female' | 'male';
  name: { title: string; first: string; last: string };
  location: {
    street: { number: number; name: string };
    city: string;
    state: string;
    country: string;
    postcode: number | string;
    coordinates: { latitude: string; longitude: string };
    timezone: { offset: string; description: string };
  };
  email: string;
  login: { uuid: string; username: string; password: string; salt: string; md5: string; sha1: string; sha256: string };
  dob: { date: string; age: number };
  registered: { date: string; age: number };
  phone: string;
  cell: string;
  id: { name: string; value: string | null };
  picture: { large: string; medium: string; thumbnail: string };
  nat: string;
}

export interface GeneratedPage {
  results: GeneratedUser[];
  info: { seed: string; results: number; page: number; version: string };
}

export interface PageParams {
  seed: string;
  /** 1-based, like the API. */
  page: number;
  results: number;
  /** Comma-separated nationalities; unset: all. */
  nat?: string | null;
}

/** Seed words for faker from a key such as (seed, page): the same key, the same stream. */
export function seedWords(...parts: Array<string | number>): number[] {
  const digest = createHash('sha256').update(parts.join('\u001f')).digest();
  return [digest.readUInt32BE(0), digest.readUInt32BE(4), digest.readUInt32BE(8), digest.readUInt32BE(12)];
}

const fakers = new Map<string, Faker>();
function fakerFor(nat: Nationality): Faker {
  let f = fakers.get(nat.code);
  if (!f) {
    f = new Faker({ locale: [nat.locale, FALLBACK_LOCALE, base] });
    fakers.set(nat.code, f);
  }
  return f;
}
const picker = new Faker({ locale: base });

/**
 * One page of users for (seed, page), the same on every call: faker is seeded per (seed, page), so
 * any page can be made again on its own. Users are drawn one after the other from that stream,
 * so asking for fewer results gives a prefix of the same page.
 */
export function generatePage(params: PageParams): GeneratedPage {
  const nats = selectNationalities(params.nat);
  const count = Math.min(Math.max(Math.trunc(params.results), 0), GENERATOR_MAX_RESULTS);
  picker.seed(seedWords(params.seed, params.page, 'nat'));
  const seeded = new Set<string>();
  const results: GeneratedUser[] = [];
  for (let i = 0; i < count; i++) {
    const nat = nats.length === 1 ? nats[0]! : picker.helpers.arrayElement(nats);
    const f = fakerFor(nat);
    // Each nationality has its own faker (its locale), seeded once per page on first use.
    if (!seeded.has(nat.code)) {
      f.seed(seedWords(params.seed, params.page, nat.code));
      seeded.add(nat.code);
    }
    results.push(generateUser(f, nat));
  }
  return { results, info: { seed: params.seed, results: results.length, page: params.page, version: GENERATOR_VERSION } };
}

const hash = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('hex');
const ascii = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
const yearsBetween = (from: Date, to: Date) => {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const monthDay = (d: Date) => d.getUTCMonth() * 100 + d.getUTCDate();
  if (monthDay(to) < monthDay(from)) years--;
  return years;
};
const EARLIEST_REGISTRATION = new Date('2002-01-01T00:00:00.000Z');

/** One user from a seeded faker; every field of a randomuser 1.4 result. */
export function generateUser(f: Faker, nat: Nationality): GeneratedUser {
  const ref = GENERATOR_REFERENCE_DATE;
  const gender = f.helpers.arrayElement(['female', 'male'] as const);
  const first = f.person.firstName(gender);
  const last = f.person.lastName(gender);
  const title = gender === 'male' ? 'Mr' : f.helpers.arrayElement(['Mrs', 'Miss', 'Ms']);
  const street = { number: f.number.int({ min: 1, max: 9999 }), name: f.location.street() };
  const city = f.location.city();
  const state = f.location.state();
  const postcode = nat.postcode(f);
  const coordinates = { latitude: f.location.latitude().toFixed(4), longitude: f.location.longitude().toFixed(4) };
  const timezone = f.helpers.arrayElement(TIMEZONES);
  const uuid = f.string.uuid();
  const username = `${f.helpers.arrayElement(USERNAME_WORDS)}${f.helpers.arrayElement(USERNAME_ANIMALS)}${f.number.int({ min: 1, max: 999 })}`;
  const password = f.internet.password({ length: f.number.int({ min: 5, max: 12 }), memorable: true });
  const salt = f.string.alphanumeric(8);
  const dob = f.date.birthdate({ mode: 'age', min: 18, max: 80, refDate: ref });
  const adult = new Date(Date.UTC(dob.getUTCFullYear() + 18, dob.getUTCMonth(), dob.getUTCDate()));
  const registered = f.date.between({ from: adult > EARLIEST_REGISTRATION ? adult : EARLIEST_REGISTRATION, to: ref });
  const phone = f.phone.number();
  const cell = f.phone.number();
  const id = nat.id(f);
  const picture = f.number.int({ min: 0, max: 99 });
  const folder = gender === 'female' ? 'women' : 'men';
  const local = [ascii(first), ascii(last)].filter(Boolean).join('.') || username;
  return {
    gender,
    name: { title, first, last },
    location: { street, city, state, country: nat.country, postcode, coordinates, timezone: { ...timezone } },
    email: `${local}@example.com`,
    login: {
      uuid,
      username,
      password,
      salt,
      md5: hash('md5', password + salt),
      sha1: hash('sha1', password + salt),
      sha256: hash('sha256', password + salt),
    },
    dob: { date: dob.toISOString(), age: yearsBetween(dob, ref) },
    registered: { date: registered.toISOString(), age: yearsBetween(registered, ref) },
    phone,
    cell,
    id,
    picture: {
      large: `https://randomuser.me/api/portraits/${folder}/${picture}.jpg`,
      medium: `https://randomuser.me/api/portraits/med/${folder}/${picture}.jpg`,
      thumbnail: `https://randomuser.me/api/portraits/thumb/${folder}/${picture}.jpg`,
    },
    nat: nat.code,
  };
}

/** The API's `inc` / `exc`: keep or drop top-level fields (comma-separated names). */
export function filterFields(user: GeneratedUser, inc?: string | null, exc?: string | null): Partial<GeneratedUser> {
  const names = (s: string | null | undefined) => new Set((s ?? '').split(',').map((x) => x.trim()).filter(Boolean));
  const keep = names(inc);
  const drop = names(exc);
  if (keep.size === 0 && drop.size === 0) return user;
  return Object.fromEntries(
    Object.entries(user).filter(([key]) => (keep.size === 0 || keep.has(key)) && !drop.has(key)),
  ) as Partial<GeneratedUser>;
}

export { NATIONALITIES };
