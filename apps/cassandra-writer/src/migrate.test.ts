import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { keyspaceCql, loadMigrations, MIGRATIONS_DIR, parseCqlStatements, renderCql, type Migration } from './migrate.js';
import { insertUserCql, USER_COLUMNS } from '@streamline/user-table';
import { usersProcessedSchema } from '@streamline/user-schema';

describe('CQL migrations', () => {
  it('loads the numbered files in version order; 001 creates the users table', () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]!.name).toBe('001_create_created_users.cql');
    const create = renderCql(migrations[0]!.statements[0]!, { keyspace: 'ks', table: 'users' });
    expect(create).toMatch(/^CREATE TABLE IF NOT EXISTS ks\.users \(/);
    expect(Object.fromEntries(migratedColumns(migrations))).toMatchObject({ id: 'uuid', dob: 'date', age: 'int', registered_date: 'timestamp', staged_at: 'timestamp', stored_at: 'timestamp' });
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

type AvroField = { name: string; type: unknown };

/**
 * The users table's columns (name -> CQL type) once every migration has run: CREATE TABLE's,
 * then each `ALTER TABLE ... ADD`, less each `DROP`. Statements on other tables are skipped.
 */
function migratedColumns(migrations: readonly Migration[]): Map<string, string> {
  const columns = new Map<string, string>();
  for (const m of migrations) {
    for (const statement of m.statements.map((s) => renderCql(s, { keyspace: 'ks', table: 'users' }))) {
      const create = /^CREATE TABLE (?:IF NOT EXISTS )?ks\.users \(([\s\S]*)\)/i.exec(statement);
      const alter = /^ALTER TABLE (?:IF EXISTS )?ks\.users (ADD|DROP) (?:IF (?:NOT )?EXISTS )?([\s\S]+)$/i.exec(statement);
      if (create) {
        for (const line of create[1]!.split(/,\s*\n/)) {
          const col = /^\s*(\w+)\s+([\w<>, ]+?)(?:\s+PRIMARY KEY)?\s*$/i.exec(line);
          if (col && col[1]!.toUpperCase() !== 'PRIMARY') columns.set(col[1]!, col[2]!.toLowerCase());
        }
      } else if (alter?.[1]!.toUpperCase() === 'ADD') {
        // `ADD c t` or `ADD (c1 t1, c2 t2)`
        for (const part of alter[2]!.replace(/^\((.*)\)$/s, '$1').split(/,\s*(?=\w+\s)/)) {
          const [name, ...type] = part.trim().split(/\s+/);
          columns.set(name!, type.join(' ').toLowerCase());
        }
      } else if (alter) {
        for (const name of alter[2]!.replace(/^\((.*)\)$/s, '$1').split(/\s*,\s*/)) columns.delete(name.trim());
      }
    }
  }
  return columns;
}

// The Avro types the writer's checks (user-record.ts) and the CQL mapping (libs/user-table,
// by FieldKind) know, with the column type each needs. Anything else (a ["null", X] union, a long)
// needs those two taught first: record-fields.ts has no kind for it.
const CQL_TYPE: Record<string, string> = { uuid: 'uuid', string: 'text', int: 'int', date: 'date', 'timestamp-millis': 'timestamp' };
const avroKind = (type: unknown): string =>
  typeof type === 'string' ? type : Array.isArray(type) ? JSON.stringify(type) : ((type as { logicalType?: string; type: string }).logicalType ?? avroKind((type as { type: unknown }).type));

/**
 * What keeps a users_processed field from reaching its Cassandra column, one line each: no
 * mapping for its type, no migration creating its column (or one of another type), the INSERT
 * not writing it. Empty when schema, migrations and mapping agree.
 */
function tableDrift(fields: readonly AvroField[], migrations: readonly Migration[], written: readonly string[]): string[] {
  const columns = migratedColumns(migrations);
  const problems: string[] = [];
  for (const { name, type } of [...fields, { name: 'stored_at', type: 'timestamp-millis' }]) {
    const want = CQL_TYPE[avroKind(type)];
    if (!want) problems.push(`${name}: Avro type ${avroKind(type)} has no CQL mapping (teach record-fields.ts, libs/user-table and the writer's checks)`);
    if (!columns.has(name)) problems.push(`${name}: no migration creates its column (add NNN_add_${name}.cql: ALTER TABLE {{keyspace}}.{{table}} ADD IF NOT EXISTS ${name} ${want ?? '<type>'})`);
    else if (want && columns.get(name) !== want) problems.push(`${name}: its column is ${columns.get(name)}, the schema needs ${want}`);
    if (!written.includes(name)) problems.push(`${name}: the INSERT of libs/user-table does not write it`);
  }
  return problems;
}

const insertedColumns = (cql: string) => /\(([^)]*)\) VALUES/.exec(cql)![1]!.split(', ');

describe('schema drift: users_processed.avsc vs the migrations and the CQL mapping', () => {
  const fields = (usersProcessedSchema as unknown as { fields: AvroField[] }).fields;

  it('every users_processed field has a column of its type, made by a migration, and written by the INSERT', () => {
    expect(tableDrift(fields, loadMigrations(), insertedColumns(insertUserCql('ks', 'users')))).toEqual([]);
    expect(insertedColumns(insertUserCql('ks', 'users'))).toEqual([...USER_COLUMNS]);
  });

  // The guard itself, on a schema with one field more: it must fail until the migration and the
  // mapping come in the same change.
  const v2 = [...fields, { name: 'nickname', type: 'string', default: '' }];
  const withAlter = (cql: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'cql-drift-'));
    const existing = loadMigrations();
    for (const m of existing) copyFileSync(join(MIGRATIONS_DIR, m.name), join(dir, m.name));
    writeFileSync(join(dir, `${String(existing.length + 1).padStart(3, '0')}_add_nickname.cql`), cql);
    return loadMigrations(dir);
  };

  it('fails for a new field that no migration creates and the INSERT does not write', () => {
    expect(tableDrift(v2, loadMigrations(), [...USER_COLUMNS])).toEqual([
      'nickname: no migration creates its column (add NNN_add_nickname.cql: ALTER TABLE {{keyspace}}.{{table}} ADD IF NOT EXISTS nickname text)',
      'nickname: the INSERT of libs/user-table does not write it',
    ]);
  });

  it('passes once an ALTER TABLE ... ADD migration and the mapping carry it; a wrong column type or a dropped column fails', () => {
    expect(tableDrift(v2, withAlter('ALTER TABLE {{keyspace}}.{{table}} ADD IF NOT EXISTS nickname text;\n'), [...USER_COLUMNS, 'nickname'])).toEqual([]);
    expect(tableDrift(v2, withAlter('ALTER TABLE {{keyspace}}.{{table}} ADD (nickname text, other int);\n'), [...USER_COLUMNS, 'nickname'])).toEqual([]);
    expect(tableDrift(v2, withAlter('ALTER TABLE {{keyspace}}.{{table}} ADD nickname int;\n'), [...USER_COLUMNS, 'nickname'])).toEqual([
      'nickname: its column is int, the schema needs text',
    ]);
    expect(tableDrift(fields, withAlter('ALTER TABLE {{keyspace}}.{{table}} DROP email;\n'), [...USER_COLUMNS])).toEqual([
      'email: no migration creates its column (add NNN_add_email.cql: ALTER TABLE {{keyspace}}.{{table}} ADD IF NOT EXISTS email text)',
    ]);
    // A migration on another table (the rounds) does not count for the users table.
    expect(tableDrift(v2, withAlter('ALTER TABLE {{keyspace}}.{{table}}_rounds ADD nickname text;\n'), [...USER_COLUMNS, 'nickname'])).toHaveLength(1);
  });

  it('fails for a field whose Avro type the mapping cannot handle yet (a nullable union)', () => {
    const nullable = [...fields, { name: 'nickname', type: ['null', 'string'], default: null }];
    expect(tableDrift(nullable, withAlter('ALTER TABLE {{keyspace}}.{{table}} ADD nickname text;\n'), [...USER_COLUMNS, 'nickname'])).toEqual([
      'nickname: Avro type ["null","string"] has no CQL mapping (teach record-fields.ts, libs/user-table and the writer\'s checks)',
    ]);
  });
});
