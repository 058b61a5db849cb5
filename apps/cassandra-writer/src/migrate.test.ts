import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyspaceCql, loadMigrations, parseCqlStatements, renderCql } from './migrate.js';
import { USER_COLUMNS } from '@streamline/user-table';

describe('CQL migrations', () => {
  it('loads the numbered files in version order; 001 creates every column the writer binds', () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]!.name).toBe('001_create_created_users.cql');
    const create = renderCql(migrations[0]!.statements[0]!, { keyspace: 'ks', table: 'users' });
    expect(create).toMatch(/^CREATE TABLE IF NOT EXISTS ks\.users \(/);
    const columns = [...create.matchAll(/^\s+(\w+) (\w+)/gm)].map((m) => [m[1], m[2]]);
    expect(columns.map(([name]) => name)).toEqual([...USER_COLUMNS]);
    expect(Object.fromEntries(columns)).toMatchObject({ id: 'uuid', dob: 'date', age: 'int', registered_date: 'timestamp', staged_at: 'timestamp', stored_at: 'timestamp' });
    expect(migrations[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('splits statements, dropping comment lines', () => {
    expect(parseCqlStatements('-- a comment; with a semicolon\nCREATE TABLE a (x int);\n// other\nALTER TABLE a ADD y text;\n\n')).toEqual([
      'CREATE TABLE a (x int)',
      'ALTER TABLE a ADD y text',
    ]);
  });

  it('fills in identifiers only when they are identifiers', () => {
    expect(renderCql('SELECT * FROM {{keyspace}}.{{table}}', { keyspace: 'k1', table: 't_2' })).toBe('SELECT * FROM k1.t_2');
    expect(() => renderCql('x', { keyspace: 'k; DROP', table: 't' })).toThrow(/invalid keyspace "k; DROP"/);
    expect(() => renderCql('{{other}}', { keyspace: 'k', table: 't' })).toThrow(/unknown placeholder \{\{other\}\}/);
  });

  it('rejects badly named or duplicate versions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cql-'));
    writeFileSync(join(dir, '001_a.cql'), 'CREATE TABLE a (x int);');
    writeFileSync(join(dir, '1_b.cql'), 'CREATE TABLE b (x int);');
    expect(() => loadMigrations(dir)).toThrow(/two migrations with version 1/);
    writeFileSync(join(dir, 'create.cql'), 'x;');
    expect(() => loadMigrations(dir)).toThrow(/must be named <number>_<name>\.cql/);
  });

  it('creates the keyspace with the configured replication', () => {
    expect(keyspaceCql('ks', { strategy: 'SimpleStrategy', factor: 1 }, 'dc1')).toBe(
      "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    expect(keyspaceCql('ks', { strategy: 'NetworkTopologyStrategy', factor: 3 }, 'datacenter1')).toBe(
      "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}",
    );
  });
});
