import { apiUserSchema, type ApiUser } from './api-user.js';

/**
 * An ApiUser as the API sent it: the fields the schema coerces (z.coerce.number) may still be strings.
 * What isPlainApiUser lets through; an ApiUser (the schema's output) is one too.
 */
export type UncoercedApiUser = Omit<ApiUser, 'location'> & {
  location: Omit<ApiUser['location'], 'street' | 'coordinates'> & {
    street: { number: number | string; name: string };
    coordinates: { latitude: number | string; longitude: number | string };
  };
};

/** The schema's own patterns (read off its definition, never restated): login.uuid and the dates. */
function patternOf(schema: unknown, what: string): RegExp {
  const pattern = (schema as { def?: { pattern?: unknown } }).def?.pattern;
  if (!(pattern instanceof RegExp)) throw new Error(`apiUserSchema's ${what} has no pattern to check against`);
  return pattern;
}
const UUID = patternOf(apiUserSchema.shape.login.shape.uuid, 'login.uuid');
const DATETIME = patternOf(apiUserSchema.shape.dob.shape.date, 'dob.date');
if (String(patternOf(apiUserSchema.shape.registered.shape.date, 'registered.date')) !== String(DATETIME)) {
  throw new Error("apiUserSchema's dob.date and registered.date differ: isPlainApiUser checks one pattern for both");
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown) => v === null || typeof v === 'string';
const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
/** z.coerce.number(): Number() of the value, then a finite number (here only from a number or a string). */
const coercesToFinite = (v: unknown) => (typeof v === 'number' || typeof v === 'string') && Number.isFinite(Number(v));
const coercesToInt = (v: unknown) => (typeof v === 'number' || typeof v === 'string') && Number.isSafeInteger(Number(v));
const isDate = (v: unknown) => isObject(v) && typeof v.date === 'string' && DATETIME.test(v.date) && isInt(v.age);

/**
 * The quick yes of apiUserSchema: true only for a record the schema accepts, with none of the
 * schema's copying (it runs on every record). False may also be said of a record the schema would
 * accept in a form this check leaves to it (e.g. a boolean street number, which z.coerce takes):
 * the schema is then asked (parseApiUser), for its answer or for the reason it refuses. Checked
 * against the schema on every field in api-user-check.test.ts.
 */
export function isPlainApiUser(input: unknown): input is UncoercedApiUser {
  if (!isObject(input)) return false;
  const { name, location, login, id, picture } = input;
  if (!isText(input.gender)) return false;
  if (!isObject(name) || !isString(name.title) || !isText(name.first) || !isText(name.last)) return false;
  if (!isObject(location)) return false;
  const { street, coordinates, timezone, postcode } = location;
  if (!isObject(street) || !coercesToInt(street.number) || !isText(street.name)) return false;
  if (!isText(location.city) || !isString(location.state) || !isText(location.country)) return false;
  if (!(typeof postcode === 'string' || (typeof postcode === 'number' && Number.isFinite(postcode)))) return false;
  if (!isObject(coordinates) || !coercesToFinite(coordinates.latitude) || !coercesToFinite(coordinates.longitude)) return false;
  if (!isObject(timezone) || !isString(timezone.offset) || !isString(timezone.description)) return false;
  const { email } = input;
  if (!isString(email) || email.length < 3 || !email.includes('@')) return false;
  if (!isObject(login) || !isString(login.uuid) || !UUID.test(login.uuid) || !isText(login.username)) return false;
  if (!isDate(input.dob) || !isDate(input.registered)) return false;
  if (!isString(input.phone) || !isString(input.cell)) return false;
  if (!isObject(id) || !isNullableString(id.name) || !isNullableString(id.value)) return false;
  if (!isObject(picture) || !isString(picture.large) || !isString(picture.medium) || !isString(picture.thumbnail)) return false;
  return isText(input.nat);
}
