import { describe, expect, it } from 'vitest';
import { loadAppBasics } from './app-endpoint.js';
import { loadConnectionConfig, loadLogLevel } from './connections.js';
import { type Env, MAX_SETTING_INT, isHostName, isHostPort, positiveInt, readRange, readVar } from './env-reader.js';
import { loadStackLayout } from './stack-layout.js';
import {
  type BadValues,
  CONNECTION_BAD_VALUES,
  type FreeForm,
  CONNECTION_FREE_FORM,
  STACK_LAYOUT_FREE_FORM,
  appBasicsBadValues,
  badValueCases,
  configErrorOf,
  settingsRead,
  uncoveredSettings,
} from './testing.js';
import { loadUserTable } from './user-table.js';

/** Every shared loader with the variables it reads and their bad values. */
const loaders: Array<{ name: string; load: (env: Env) => unknown; table: BadValues; free: FreeForm }> = [
  { name: 'loadConnectionConfig + loadLogLevel', load: (env: Env) => [loadConnectionConfig(env), loadLogLevel(env)], table: CONNECTION_BAD_VALUES, free: CONNECTION_FREE_FORM },
  ...(
    [
      ['ingestor', 'INGESTOR'],
      ['relay', 'RELAY'],
      ['spark-launcher', 'SPARK_LAUNCHER'],
      ['cassandra-writer', 'WRITER'],
    ] as const
  ).map(([app, prefix]) => ({
    name: `loadAppBasics(${app})`,
    load: (env: Env) => loadAppBasics(env, app, prefix, { shutdownTimeoutMs: 10_000 }),
    table: appBasicsBadValues(app, prefix),
    free: CONNECTION_FREE_FORM,
  })),
  { name: 'loadUserTable', load: loadUserTable, table: { CASSANDRA_KEYSPACE: ['drop table; x', '1ks', 'k'.repeat(49)], CASSANDRA_TABLE: ['users-x'] }, free: {} },
  { name: 'loadStackLayout', load: (env: Env) => loadStackLayout(env, '/repo'), table: {}, free: STACK_LAYOUT_FREE_FORM },
];

describe.each(loaders)('$name', ({ load, table, free }) => {
  it('has a bad-value case (or a reason to take anything) for every variable it reads, and no case for one it does not', () => {
    expect(uncoveredSettings(settingsRead(load).variables, table, free)).toEqual({ untested: [], unread: [] });
  });

  it.each(badValueCases(table))('refuses $name=$value, naming both', ({ name, value, env }) => {
    const error = configErrorOf(() => load({ ...env, [name]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });
});

describe('settingsRead', () => {
  it('records what a loader reads, and with a base env the variables of the branches it opens', () => {
    const load = (env: Env, flags: Record<string, unknown>) => [env.MODE === 'sasl' ? env.SASL_PASSWORD : undefined, env.HOST, flags.dryRun, 'X' in env];
    expect(settingsRead(load)).toEqual({ variables: ['MODE', 'HOST', 'X'], flags: ['--dry-run'] });
    expect(settingsRead(load, { MODE: 'sasl' }).variables).toEqual(['MODE', 'SASL_PASSWORD', 'HOST', 'X']);
  });
});

describe('validators', () => {
  it('takes host names and addresses, not URLs, ports or spaces', () => {
    for (const ok of ['127.0.0.1', 'localhost', 'db.internal', 'spark_master', 'a-b.c', '::1', 'fe80::1']) expect(isHostName(ok), ok).toBe(true);
    for (const bad of ['http://x', 'x:1', 'a b', '', '-x', 'x.', 'a..b']) expect(isHostName(bad), bad).toBe(false);
    for (const ok of ['k1:9092', '[::1]:9092', '10.0.0.1:1']) expect(isHostPort(ok), ok).toBe(true);
    for (const bad of ['k1', 'k1:0', 'k1:65536', '::1:9092', 'k1:90x']) expect(isHostPort(bad), bad).toBe(false);
  });

  it('reads whole numbers from decimal digits only, up to what a timer can wait', () => {
    expect(readVar({ N: ' 42 ' }, 'N', positiveInt(1))).toBe(42);
    expect(readVar({}, 'N', positiveInt(7))).toBe(7);
    expect(readVar({ N: String(MAX_SETTING_INT) }, 'N', positiveInt(1))).toBe(MAX_SETTING_INT);
    expect(() => readVar({ N: String(MAX_SETTING_INT + 1) }, 'N', positiveInt(1))).toThrow(`invalid N="${MAX_SETTING_INT + 1}": expected at most ${MAX_SETTING_INT}`);
    expect(() => readVar({ N: '1e3' }, 'N', positiveInt(1))).toThrow('invalid N="1e3": expected a whole number (decimal digits)');
  });

  it('names the end of a range that was set', () => {
    expect(readRange({}, 'MIN', 'MAX', 1, 2)).toEqual({ min: 1, max: 2 });
    expect(() => readRange({ MIN: '5' }, 'MIN', 'MAX', 5, 2)).toThrow('invalid MIN="5": must not exceed MAX (2)');
    expect(() => readRange({ MAX: '2' }, 'MIN', 'MAX', 5, 2)).toThrow('invalid MAX="2": must be at least MIN (5)');
    expect(() => readRange({ MIN: '5', MAX: '2' }, 'MIN', 'MAX', 5, 2)).toThrow('invalid MIN="5": must not exceed MAX (2)');
  });
});
