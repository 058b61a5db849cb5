import { describe, expect, it } from 'vitest';
import { type BadValues, CONNECTION_BAD_VALUES, CONNECTION_FREE_FORM, badValueCases, configErrorOf, settingsRead, uncoveredSettings } from '@streamline/config/testing';
import { loadUserQueryConfig } from './config.js';

describe('loadUserQueryConfig', () => {
  it('reads the writer\'s table and the Cassandra connection, with the local stack\'s defaults', () => {
    const config = loadUserQueryConfig({});
    expect(config).toMatchObject({ keyspace: 'spark_streams', table: 'created_users', cassandra: { contactPoints: ['127.0.0.1'], port: 9042 } });
    expect(loadUserQueryConfig({ CASSANDRA_KEYSPACE: 'it_ks', CASSANDRA_TABLE: 'users_x' })).toMatchObject({ keyspace: 'it_ks', table: 'users_x' });
  });

  // It reads every connection variable (one loader for all apps): a bad one anywhere stops it too.
  const table: BadValues = { ...CONNECTION_BAD_VALUES, CASSANDRA_KEYSPACE: ['drop table; x'], CASSANDRA_TABLE: ['users-x', 't'.repeat(49)] };
  const { LOG_LEVEL: _logLevel, ...withoutLogLevel } = table;

  it('has a case for every variable it reads (a new variable needs one here)', () => {
    expect(uncoveredSettings(settingsRead(loadUserQueryConfig).variables, withoutLogLevel, CONNECTION_FREE_FORM)).toEqual({ untested: [], unread: [] });
  });

  it.each(badValueCases(withoutLogLevel))('refuses $name=$value', ({ name, value, env }) => {
    const error = configErrorOf(() => loadUserQueryConfig({ ...env, [name]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
  });
});
