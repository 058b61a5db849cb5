import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cassandra, type CassandraClient } from '@streamline/clients';
import { sleep, type Logger } from '@streamline/runtime';
import { MigrationError } from './errors.js';

/**
 * Next to this module in the sources (src/migrations) and next to main.js in the bundle
 * (the build target and the Dockerfile copy the folder there).
 */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  /** sha256 of the file as written (before the keyspace/table are filled in). */
  checksum: string;
  statements: string[];
}

export interface MigrateOptions {
  keyspace: string;
  table: string;
  replication: { strategy: 'SimpleStrategy' | 'NetworkTopologyStrategy'; factor: number };
  localDataCenter: string;
  /** A claim older than this is taken over (its writer died while migrating). */
  staleClaimMs: number;
  log: Logger;
  dir?: string;
  /** Identifies this writer in schema_migrations.owner. */
  owner?: string;
}

const IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;
const FILE = /^(\d+)_([\w-]+)\.cql$/;

/** Splits a CQL file into statements: `--` and `//` comment lines dropped, split at a `;` ending a line. */
export function parseCqlStatements(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((line) => !/^\s*(--|\/\/)/.test(line));
  return lines
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function renderCql(statement: string, names: { keyspace: string; table: string }): string {
  for (const [key, value] of Object.entries(names)) {
    if (!IDENTIFIER.test(value)) throw new MigrationError(`invalid ${key} ${JSON.stringify(value)}: expected a CQL identifier`);
  }
  return statement.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = (names as Record<string, string>)[name];
    if (value === undefined) throw new MigrationError(`unknown placeholder ${whole} in a migration`);
    return value;
  });
}

/** The numbered files of `dir`, in version order; two files with one version are an error. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.cql'))
    .map((file) => {
      const match = FILE.exec(file);
      if (!match) throw new MigrationError(`migration file ${file} must be named <number>_<name>.cql`);
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(match[1]),
        name: file,
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: parseCqlStatements(text),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]!.version === m.version) throw new MigrationError(`two migrations with version ${m.version}: ${migrations[i - 1]!.name}, ${m.name}`);
    if (m.statements.length === 0) throw new MigrationError(`migration ${m.name} has no statement`);
  });
  return migrations;
}

export function keyspaceCql(keyspace: string, replication: MigrateOptions['replication'], localDataCenter: string): string {
  const map =
    replication.strategy === 'SimpleStrategy'
      ? `{'class': 'SimpleStrategy', 'replication_factor': ${replication.factor}}`
      : `{'class': 'NetworkTopologyStrategy', '${localDataCenter.replace(/'/g, "''")}': ${replication.factor}}`;
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${map}`;
}

const ddl = { prepare: false } as const;
const serial = { prepare: true, consistency: cassandra.types.consistencies.serial } as const;

interface ClaimRow {
  state: string;
  owner: string;
  claimed_at: Date | null;
  checksum: string;
}

/**
 * Applies the migrations not applied yet and returns the names it applied. Safe when writers start
 * at once: each version is claimed with a lightweight transaction (INSERT ... IF NOT EXISTS) in
 * `schema_migrations`; the others wait until the claim is marked applied. A claim left by a writer
 * that died mid-way is taken over after `staleClaimMs` (the statements are idempotent, so re-running
 * them is safe).
 */
export async function migrateCassandra(client: CassandraClient, options: MigrateOptions): Promise<string[]> {
  const { keyspace, log } = options;
  const names = { keyspace, table: options.table };
  const owner = options.owner ?? `${process.pid}-${randomUUID()}`;
  const migrations = loadMigrations(options.dir);
  await client.execute(renderCql(keyspaceCql(keyspace, options.replication, options.localDataCenter), names), [], ddl);
  await client.execute(
    renderCql(
      'CREATE TABLE IF NOT EXISTS {{keyspace}}.schema_migrations (version int PRIMARY KEY, name text, checksum text, state text, owner text, claimed_at timestamp, applied_at timestamp)',
      names,
    ),
    [],
    ddl,
  );
  const sm = `${keyspace}.schema_migrations`;
  const applied: string[] = [];
  for (const migration of migrations) {
    const deadline = Date.now() + options.staleClaimMs * 3;
    for (;;) {
      const row = (await client.execute(`SELECT state, owner, claimed_at, checksum FROM ${sm} WHERE version = ?`, [migration.version], serial)).first() as
        | (ClaimRow & cassandra.types.Row)
        | null;
      if (row?.state === 'applied') {
        if (row.checksum !== migration.checksum) log.warn({ migration: migration.name }, 'applied migration differs from its file');
        break;
      }
      let mine = false;
      if (!row) {
        const claim = await client.execute(
          `INSERT INTO ${sm} (version, name, checksum, state, owner, claimed_at) VALUES (?, ?, ?, 'applying', ?, ?) IF NOT EXISTS`,
          [migration.version, migration.name, migration.checksum, owner, new Date()],
          { prepare: true },
        );
        mine = claim.wasApplied();
      } else if (row.owner !== owner && Date.now() - (row.claimed_at?.getTime() ?? 0) > options.staleClaimMs) {
        const takeover = await client.execute(
          `UPDATE ${sm} SET owner = ?, claimed_at = ? WHERE version = ? IF owner = ? AND state = 'applying'`,
          [owner, new Date(), migration.version, row.owner],
          { prepare: true },
        );
        mine = takeover.wasApplied();
        if (mine) log.warn({ migration: migration.name, staleOwner: row.owner }, 'took over a stale migration claim');
      }
      if (mine) {
        for (const statement of migration.statements) await client.execute(renderCql(statement, names), [], ddl);
        const done = await client.execute(
          `UPDATE ${sm} SET state = 'applied', applied_at = ? WHERE version = ? IF owner = ?`,
          [new Date(), migration.version, owner],
          { prepare: true },
        );
        if (done.wasApplied()) {
          applied.push(migration.name);
          log.info({ migration: migration.name, keyspace }, 'migration applied');
          break;
        }
        continue; // someone took our claim over; re-read
      }
      if (Date.now() > deadline) {
        throw new MigrationError(`migration ${migration.name} claimed by ${row?.owner ?? '?'} was not applied within ${options.staleClaimMs * 3} ms`, { retriable: true });
      }
      await sleep(250);
    }
  }
  return applied;
}
