import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPgPool } from '@streamline/clients';
import { probe, type Component, type StackContext } from '../component.js';
import { ensureDir } from '../paths.js';
import { asPostgresUser, MissingPrerequisiteError, postgresCommand } from '../prerequisites.js';
import { runCommand } from '../run-command.js';

/** Databases other parts of the stack keep their state in. */
export const EXTRA_DATABASES = ['registry', 'airflow'];

/**
 * Where the cluster lives. As root, PostgreSQL runs as `postgres`, which cannot enter a clone under
 * a folder only its owner may enter (mode 700, such as /root/streamline): then the cluster and its
 * socket live under the postgres user's home (Debian: /var/lib/postgresql), in a folder named after
 * this stack, which `reset` removes too.
 */
function clusterHome(ctx: StackContext): string | undefined {
  // Probing spawns processes: once per stack folder, not at every path lookup.
  if (!clusterHomes.has(ctx.paths.root)) clusterHomes.set(ctx.paths.root, findClusterHome(ctx.paths.root));
  return clusterHomes.get(ctx.paths.root);
}
const clusterHomes = new Map<string, string | undefined>();

function findClusterHome(stackRoot: string): string | undefined {
  if (process.getuid?.() !== 0 || postgresCanEnter(stackRoot)) return undefined;
  const home = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).stdout.split(':')[5]?.trim();
  if (!home) throw new MissingPrerequisiteError(`the postgres user cannot enter ${stackRoot} (a parent folder is private) and has no home folder: move the clone, or set STREAMLINE_STACK_DIR to a folder it can enter`);
  return join(home, 'streamline', createHash('sha256').update(stackRoot).digest('hex').slice(0, 12));
}

/** Can the postgres user reach `dir` (search permission on every folder of the path)? */
function postgresCanEnter(dir: string): boolean {
  const test = asPostgresUser('test', ['-x', dir]);
  return spawnSync(test.command, test.args, { stdio: 'ignore' }).status === 0;
}

const dataDir = (ctx: StackContext) => {
  const home = clusterHome(ctx);
  return home ? join(home, 'data') : ctx.paths.data('postgres');
};
const socketDir = (ctx: StackContext) => {
  const home = clusterHome(ctx);
  return home ? join(home, 'run') : join(ctx.paths.run, 'postgres');
};

/** When root runs the stack, the server runs as `postgres` and must own its folders. */
function giveToPostgres(paths: string[]): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  for (const p of paths) chownSync(p, uid, gid);
}

/**
 * The stack's own queries go through the cluster's socket (local connections are trusted; the
 * folder is private to the server's user), so they work before the generated password is set.
 */
async function query(ctx: StackContext, database: string, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const pool = createPgPool({ ...ctx.config.connections.pg, host: socketDir(ctx) }, { database, max: 1, applicationName: 'stack-health' });
  try {
    return (await pool.query(sql, params)).rows;
  } finally {
    await pool.end();
  }
}

/** PostgreSQL from Debian's packages, in its own cluster folder and port (not the system cluster). */
export const postgres: Component = {
  name: 'postgres',
  installKey: 'debian-postgresql',
  installLane: 'none',
  enabled: () => true,
  port: (config) => config.ports.pg,
  dependsOn: () => [],
  // Nothing to download: the binaries come from the Debian package (checked as a prerequisite).
  install: async () => undefined,
  async prepare(ctx) {
    const dir = dataDir(ctx);
    const home = clusterHome(ctx);
    if (home) {
      ctx.reporter.step('postgres', `the postgres user cannot enter ${ctx.paths.root}: its cluster lives in ${home}`);
      ensureDir(home);
      giveToPostgres([home, join(home, '..')]);
    }
    ensureDir(socketDir(ctx));
    // Local (socket) connections are trusted: only the server's user (and root) may reach the socket.
    chmodSync(socketDir(ctx), 0o700);
    giveToPostgres([socketDir(ctx)]);
    if (existsSync(join(dir, 'PG_VERSION'))) return;
    ctx.reporter.step('postgres', `initdb ${dir}`);
    ensureDir(dir);
    chmodSync(dir, 0o700);
    const pwFile = join(socketDir(ctx), 'pwfile');
    writeFileSync(pwFile, `${ctx.config.connections.pg.password}\n`, { mode: 0o600 });
    giveToPostgres([dir, pwFile]);
    const initdb = postgresCommand('initdb', [
      '-D', dir,
      '-U', ctx.config.connections.pg.user,
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    await runCommand(initdb.command, initdb.args, { logFile: ctx.paths.log('postgres') });
    rmSync(pwFile, { force: true });
  },
  launch(ctx) {
    return postgresCommand('postgres', [
      '-D', dataDir(ctx),
      '-p', String(ctx.config.ports.pg),
      '-c', `listen_addresses=${ctx.config.host}`,
      '-c', `unix_socket_directories=${socketDir(ctx)}`,
      // Logical decoding lets Debezium read the outbox beside our relay (DESIGN.md).
      '-c', 'wal_level=logical',
      '-c', 'max_replication_slots=8',
      '-c', 'max_wal_senders=8',
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=256MB',
    ]);
  },
  dataOutsideStack: (ctx) => {
    const home = clusterHome(ctx);
    return home ? [home] : [];
  },
  // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to leave.
  stopSignal: 'SIGINT',
  async afterStart(ctx) {
    const { database, user, password } = ctx.config.connections.pg;
    // The login over TCP takes the generated password (set again at each start, so a cluster made
    // before the credentials were generated, or a changed PG_PASSWORD, takes it too).
    const [alter] = (await query(ctx, 'postgres', "SELECT format('ALTER ROLE %I WITH PASSWORD %L', $1::text, $2::text) AS sql", [user, password])) as Array<{ sql: string }>;
    await query(ctx, 'postgres', alter!.sql);
    const tcp = createPgPool(ctx.config.connections.pg, { database: 'postgres', max: 1, applicationName: 'stack-health' });
    await tcp.query('SELECT 1').finally(() => tcp.end());
    const wanted = [database, ...EXTRA_DATABASES];
    const rows = (await query(ctx, 'postgres', 'SELECT datname FROM pg_database')) as Array<{ datname: string }>;
    const have = new Set(rows.map((r) => r.datname));
    for (const db of wanted.filter((d) => !have.has(d))) await query(ctx, 'postgres', `CREATE DATABASE "${db}"`);
  },
  health: (ctx) =>
    probe(async () => {
      const rows = (await query(ctx, 'postgres', 'SHOW server_version')) as Array<{ server_version: string }>;
      return `PostgreSQL ${rows[0]?.server_version}`;
    }),
};
