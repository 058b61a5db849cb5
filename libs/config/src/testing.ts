/**
 * For the config tests of every app (import from '@streamline/config/testing'): which settings a
 * loader reads, found by running it, and bad values of the settings every app shares. A variable
 * added to a loader without a bad-value case makes that app's config test fail.
 */
import { APP_HTTP_PORT_VARS } from './app-endpoint.js';
import { ConfigError } from './config-error.js';
import type { Env } from './env-reader.js';

/** Values a setting must refuse; `env` sets other variables alongside (e.g. the other end of a range). */
export type BadValue = string | { value: string; env: Env };
export type BadValues = Record<string, readonly BadValue[]>;

/** Settings that take any non-empty value, each with the reason (e.g. a password, a path checked when used). */
export type FreeForm = Record<string, string>;

export interface SettingsRead {
  /** Environment variables, in the order first read. */
  variables: string[];
  /** Flags (as `--kebab-case`), when the loader takes them. */
  flags: string[];
}

const kebab = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Runs `load` on an env and flags that record every name asked for. A variable read only in some
 * branch (e.g. a SASL password only when a SASL mechanism is set) is seen when `base` opens that
 * branch: `settingsRead(load, { KAFKA_SASL_MECHANISM: 'scram-sha-256' })`.
 */
export function settingsRead(load: (env: Env, flags: Record<string, undefined>) => unknown, base: Env = {}): SettingsRead {
  const variables = new Set<string>();
  const flags = new Set<string>();
  const recorder = (seen: Set<string>, name: (key: string) => string, values: Env) =>
    new Proxy({} as Record<string, undefined>, {
      get: (_target, key) => {
        if (typeof key !== 'string') return undefined;
        seen.add(name(key));
        return values[key] as undefined;
      },
      has: (_target, key) => {
        if (typeof key === 'string') seen.add(name(key));
        return typeof key === 'string' && values[key] !== undefined;
      },
    });
  load(recorder(variables, (k) => k, base), recorder(flags, kebab, {}));
  return { variables: [...variables], flags: [...flags] };
}

/** The cases of a table, one per bad value. */
export function badValueCases(table: BadValues): Array<{ name: string; value: string; env: Env }> {
  return Object.entries(table).flatMap(([name, values]) =>
    values.map((bad) => (typeof bad === 'string' ? { name, value: bad, env: {} } : { name, value: bad.value, env: bad.env })),
  );
}

/** Names read but neither in `table` nor in `free`, and names in them that are never read: both should be empty. */
export function uncoveredSettings(read: string[], table: BadValues, free: FreeForm = {}): { untested: string[]; unread: string[] } {
  const listed = new Set([...Object.keys(table), ...Object.keys(free)]);
  return { untested: read.filter((name) => !listed.has(name)).sort(), unread: [...listed].filter((name) => !read.includes(name)).sort() };
}

/** The ConfigError `load` throws; anything else (no error, another error) throws a one-line explanation. */
export function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
  throw new Error('expected a ConfigError, but the value was accepted');
}

/** Bad values of what loadConnectionConfig and loadLogLevel read (every app reads them). */
export const CONNECTION_BAD_VALUES: BadValues = Object.freeze({
  STREAMLINE_HOST: ['http://127.0.0.1', 'my host', '127.0.0.1:5433'],
  PG_HOST: ['db.example.com:5432', 'not a host'],
  PG_PORT: ['abc', '0', '70000', '54.33', '1e3', '0x1535'],
  PG_USER: ['u'.repeat(64)],
  PG_DATABASE: ['d'.repeat(64)],
  KAFKA_PORT: ['nine', '99999'],
  KAFKA_BROKERS: ['localhost', 'k1:9092,k2', 'k1:99999', 'http://k1:9092', ','],
  KAFKA_CLIENT_ID: ['my client'],
  KAFKA_RETRIES: ['-1', 'five'],
  KAFKA_RETRY_INITIAL_MS: ['0', '60000', { value: '500', env: { KAFKA_RETRY_MAX_MS: '400' } }],
  KAFKA_RETRY_MAX_MS: ['0', '100'],
  SCHEMA_REGISTRY_PORT: ['0'],
  SCHEMA_REGISTRY_URL: ['not a url', 'localhost:8081', 'ftp://registry/'],
  SCHEMA_REGISTRY_USERNAME: ['user:name', 'two words'],
  CASSANDRA_PORT: ['70000'],
  CASSANDRA_CONTACT_POINTS: ['cassandra one', 'http://c1', 'c1:port'],
  CASSANDRA_LOCAL_DC: ['data center 1'],
  CASSANDRA_RECONNECT_BASE_MS: ['0', '120000'],
  CASSANDRA_RECONNECT_MAX_MS: ['soon', '10'],
  CASSANDRA_CONSISTENCY: ['QUORUM', 'two'],
  SPARK_MASTER_PORT: ['-1'],
  SPARK_MASTER_UI_PORT: ['x'],
  SPARK_MASTER_URL: ['127.0.0.1:7077', 'mesos://m:5050'],
  SPARK_MASTER_UI_URL: ['127.0.0.1:8090'],
  LOG_LEVEL: ['verbose', 'INFO'],
  KAFKA_SASL_MECHANISM: ['plain', 'gssapi', 'SCRAM'],
});

/**
 * Settings any value fits. The stack layout is read too: the generated credentials are looked for
 * in its folder. (KAFKA_SASL_USERNAME/PASSWORD are read only with a mechanism: connections.test.ts.)
 */
export const CONNECTION_FREE_FORM: FreeForm = Object.freeze({
  PG_PASSWORD: 'any string is a password',
  CASSANDRA_USERNAME: 'any role name',
  CASSANDRA_PASSWORD: 'any string is a password',
  SCHEMA_REGISTRY_PASSWORD: 'any string is a password',
  STREAMLINE_STACK_DIR: 'a path, relative to the repository or absolute',
  STREAMLINE_CACHE_DIR: 'a path, relative to the repository or absolute',
});

/** What loadAppBasics reads for `app` with its variable prefix: endpoint, shutdown and outage backoff. */
export function appBasicsBadValues(app: keyof typeof APP_HTTP_PORT_VARS, prefix: string): BadValues {
  return {
    ...CONNECTION_BAD_VALUES,
    STREAMLINE_HTTP_HOST: ['http://0.0.0.0', '0.0.0.0:9401'],
    [APP_HTTP_PORT_VARS[app]]: ['-1', '65536', 'auto'],
    [`${prefix}_SHUTDOWN_TIMEOUT_MS`]: ['0', '10s', '3000000000'],
    // Above any app's default maximum delay: the minimum may not exceed it.
    [`${prefix}_RETRY_MIN_DELAY_MS`]: ['0', '9999999', { value: '2000', env: { [`${prefix}_RETRY_MAX_DELAY_MS`]: '1000' } }],
    // Below any app's default minimum delay.
    [`${prefix}_RETRY_MAX_DELAY_MS`]: ['0', '1'],
  };
}

/** The stack layout (STREAMLINE_STACK_DIR, STREAMLINE_CACHE_DIR): paths, anything goes. */
export const STACK_LAYOUT_FREE_FORM: FreeForm = Object.freeze({
  STREAMLINE_STACK_DIR: 'a path, relative to the repository or absolute',
  STREAMLINE_CACHE_DIR: 'a path, relative to the repository or absolute',
});
