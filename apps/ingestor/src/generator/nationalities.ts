import {
  type Faker,
  type LocaleDefinition,
  da,
  de,
  de_CH,
  en,
  en_AU,
  en_CA,
  en_GB,
  en_IE,
  en_IN,
  en_US,
  es,
  es_MX,
  fa,
  fi,
  fr,
  nb_NO,
  nl,
  pt_BR,
  sr_RS_latin,
  tr,
  uk,
} from '@faker-js/faker';

/** What differs per nationality in a randomuser.me 1.4 result. */
export interface Nationality {
  code: string;
  country: string;
  locale: LocaleDefinition;
  /** The API sends a number for some nationalities and a string for others. */
  postcode: (f: Faker) => number | string;
  id: (f: Faker) => { name: string; value: string | null };
}

const digits = (n: number) => (f: Faker) => Number(f.string.numeric({ length: n, allowLeadingZeros: false }));
const pattern = (p: string) => (f: Faker) => f.helpers.replaceSymbols(p);
const nationalId = (name: string, p: string | null) => (f: Faker) => ({ name, value: p === null ? null : f.helpers.replaceSymbols(p) });

/** The nationalities randomuser.me 1.4 knows (`nat`), with the faker locale that names their people. */
export const NATIONALITIES: readonly Nationality[] = [
  { code: 'AU', country: 'Australia', locale: en_AU, postcode: digits(4), id: nationalId('TFN', null) },
  { code: 'BR', country: 'Brazil', locale: pt_BR, postcode: digits(5), id: nationalId('CPF', '###.###.###-##') },
  { code: 'CA', country: 'Canada', locale: en_CA, postcode: pattern('?#? #?#'), id: nationalId('SIN', '#########') },
  { code: 'CH', country: 'Switzerland', locale: de_CH, postcode: digits(4), id: nationalId('AVS', '756.####.####.##') },
  { code: 'DE', country: 'Germany', locale: de, postcode: digits(5), id: nationalId('SVNR', '## ###### ? ###') },
  { code: 'DK', country: 'Denmark', locale: da, postcode: digits(4), id: nationalId('CPR', '######-####') },
  { code: 'ES', country: 'Spain', locale: es, postcode: digits(5), id: nationalId('DNI', '########-?') },
  { code: 'FI', country: 'Finland', locale: fi, postcode: digits(5), id: nationalId('HETU', '######-###?') },
  { code: 'FR', country: 'France', locale: fr, postcode: digits(5), id: nationalId('INSEE', '# ## ## ## ### ### ##') },
  { code: 'GB', country: 'United Kingdom', locale: en_GB, postcode: pattern('??# #??'), id: nationalId('NINO', '?? ## ## ## ?') },
  { code: 'IE', country: 'Ireland', locale: en_IE, postcode: pattern('?##'), id: nationalId('PPS', '#######?') },
  { code: 'IN', country: 'India', locale: en_IN, postcode: digits(6), id: nationalId('UIDAI', '############') },
  { code: 'IR', country: 'Iran', locale: fa, postcode: digits(5), id: nationalId('', null) },
  { code: 'MX', country: 'Mexico', locale: es_MX, postcode: digits(5), id: nationalId('NSS', '## ## ## #### #') },
  { code: 'NL', country: 'Netherlands', locale: nl, postcode: pattern('#### ??'), id: nationalId('BSN', '########') },
  { code: 'NO', country: 'Norway', locale: nb_NO, postcode: digits(4), id: nationalId('FN', '###########') },
  { code: 'NZ', country: 'New Zealand', locale: en_AU, postcode: digits(4), id: nationalId('', null) },
  { code: 'RS', country: 'Serbia', locale: sr_RS_latin, postcode: digits(5), id: nationalId('SID', '#########') },
  { code: 'TR', country: 'Turkey', locale: tr, postcode: digits(5), id: nationalId('', null) },
  { code: 'UA', country: 'Ukraine', locale: uk, postcode: digits(5), id: nationalId('', null) },
  { code: 'US', country: 'United States', locale: en_US, postcode: digits(5), id: nationalId('SSN', '###-##-####') },
];

const byCode = new Map(NATIONALITIES.map((n) => [n.code, n]));

/**
 * The nationalities a `nat` parameter asks for (comma-separated, any case). Unknown codes are
 * ignored, like the API does; none known means all.
 */
export function selectNationalities(nat: string | null | undefined): readonly Nationality[] {
  const picked = (nat ?? '')
    .split(',')
    .map((c) => byCode.get(c.trim().toUpperCase()))
    .filter((n): n is Nationality => n !== undefined);
  return picked.length > 0 ? [...new Set(picked)] : NATIONALITIES;
}

/** Fallback chain for locales that lack some data (e.g. states): English, then faker's base. */
export const FALLBACK_LOCALE = en;

/** randomuser.me's time zones. */
export const TIMEZONES: ReadonlyArray<{ offset: string; description: string }> = [
  { offset: '-12:00', description: 'Eniwetok, Kwajalein' },
  { offset: '-11:00', description: 'Midway Island, Samoa' },
  { offset: '-10:00', description: 'Hawaii' },
  { offset: '-9:00', description: 'Alaska' },
  { offset: '-8:00', description: 'Pacific Time (US & Canada)' },
  { offset: '-7:00', description: 'Mountain Time (US & Canada)' },
  { offset: '-6:00', description: 'Central Time (US & Canada), Mexico City' },
  { offset: '-5:00', description: 'Eastern Time (US & Canada), Bogota, Lima' },
  { offset: '-4:00', description: 'Atlantic Time (Canada), Caracas, La Paz' },
  { offset: '-3:30', description: 'Newfoundland' },
  { offset: '-3:00', description: 'Brazil, Buenos Aires, Georgetown' },
  { offset: '-2:00', description: 'Mid-Atlantic' },
  { offset: '-1:00', description: 'Azores, Cape Verde Islands' },
  { offset: '0:00', description: 'Western Europe Time, London, Lisbon, Casablanca' },
  { offset: '+1:00', description: 'Brussels, Copenhagen, Madrid, Paris' },
  { offset: '+2:00', description: 'Kaliningrad, South Africa' },
  { offset: '+3:00', description: 'Baghdad, Riyadh, Moscow, St. Petersburg' },
  { offset: '+3:30', description: 'Tehran' },
  { offset: '+4:00', description: 'Abu Dhabi, Muscat, Baku, Tbilisi' },
  { offset: '+4:30', description: 'Kabul' },
  { offset: '+5:00', description: 'Ekaterinburg, Islamabad, Karachi, Tashkent' },
  { offset: '+5:30', description: 'Bombay, Calcutta, Madras, New Delhi' },
  { offset: '+5:45', description: 'Kathmandu' },
  { offset: '+6:00', description: 'Almaty, Dhaka, Colombo' },
  { offset: '+7:00', description: 'Bangkok, Hanoi, Jakarta' },
  { offset: '+8:00', description: 'Beijing, Perth, Singapore, Hong Kong' },
  { offset: '+9:00', description: 'Tokyo, Seoul, Osaka, Sapporo, Yakutsk' },
  { offset: '+9:30', description: 'Adelaide, Darwin' },
  { offset: '+10:00', description: 'Eastern Australia, Guam, Vladivostok' },
  { offset: '+11:00', description: 'Magadan, Solomon Islands, New Caledonia' },
  { offset: '+12:00', description: 'Auckland, Wellington, Fiji, Kamchatka' },
];

/** Usernames look like randomuser's: colour or adjective + animal + number (e.g. yellowpeacock117). */
export const USERNAME_WORDS = [
  'yellow', 'purple', 'silver', 'golden', 'brown', 'white', 'black', 'red', 'blue', 'green', 'orange', 'tiny',
  'big', 'lazy', 'happy', 'sad', 'angry', 'heavy', 'crazy', 'beautiful', 'organic', 'ticklish', 'smart', 'brave',
] as const;
export const USERNAME_ANIMALS = [
  'peacock', 'bird', 'tiger', 'lion', 'koala', 'panda', 'rabbit', 'swan', 'frog', 'goose', 'leopard', 'wolf',
  'bear', 'fish', 'dog', 'cat', 'gorilla', 'elephant', 'butterfly', 'ladybug', 'duck', 'mouse', 'snake', 'zebra',
] as const;
