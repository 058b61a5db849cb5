import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StreamlineError } from '@streamline/runtime';
import type { Reporter } from './reporter.js';
import { runCommand } from './run-command.js';
import { aptProgress, describeNeeds, formatCommand, NEEDS, NO_INSTALL_VAR, packagesFor, planInstall, type HostProbes, type Need, type SystemCommand } from './system-packages.js';

/** A tool the stack needs is missing; the message says what to install. */
export class MissingPrerequisiteError extends StreamlineError {}

/** Output (stdout + stderr) of a command that succeeded, else undefined. */
function run(cmd: string, args: string[]): string | undefined {
  const res = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return res.status === 0 ? `${res.stdout}${res.stderr}` : undefined;
}

/** "apt-get install <the packages of this need>" (system-packages.json). */
const aptInstall = (need: Need) => `apt-get install ${packagesFor([need]).join(' ')}`;

function javaMajor(javaBin: string): number | undefined {
  const out = run(javaBin, ['-version']) ?? '';
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * Java 17 exactly suits every JVM server here: Cassandra 5.0 runs on 11 or 17 only, Spark 4 and
 * Kafka 3.9 need 17+. Prefers JAVA_HOME, then `java` on PATH, then any JDK 17 under /usr/lib/jvm.
 */
export function findJava17(env = process.env): string {
  const candidates = [
    env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined,
    'java',
    ...(existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').filter((d) => d.includes('17')).map((d) => join('/usr/lib/jvm', d, 'bin', 'java')) : []),
  ].filter((c): c is string => Boolean(c));
  for (const java of candidates) if (javaMajor(java) === 17) return java;
  throw new MissingPrerequisiteError(`Java 17 is required (Cassandra 5.0 runs on 11 or 17 only): ${aptInstall('java')}, or set JAVA_HOME to a JDK 17`);
}

export function javaHomeOf(javaBin: string): string | undefined {
  if (!javaBin.includes('/')) {
    const out = run('java', ['-XshowSettings:properties', '-version']) ?? '';
    return /java\.home = (.+)/.exec(out)?.[1]?.trim();
  }
  return join(javaBin, '..', '..');
}

/** A command on the PATH, else the need's error (its package is then installed). */
function requireCommand(command: string, need: Need): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status !== 0) {
    throw new MissingPrerequisiteError(`${command} not found: install ${packagesFor([need]).join(' ')}`);
  }
}

export function requireMaven(): void {
  if (run('mvn', ['-v']) === undefined) throw new MissingPrerequisiteError(`Maven is required to fetch the servers from Maven Central: ${aptInstall('maven')}`);
}

/**
 * pyspark 4.x needs Python 3.10+; picks STREAMLINE_PYTHON, then python3.12/3.11/3.10/python3.
 * `ensurepip` is what `python -m venv` needs (Debian ships it in python3-venv, apart from `venv`).
 */
export function findPython(env = process.env): string {
  const candidates = [env.STREAMLINE_PYTHON, 'python3.12', 'python3.11', 'python3.10', 'python3'].filter((c): c is string => Boolean(c));
  for (const py of candidates) {
    const out = run(py, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])']);
    const m = out && /^(\d+)\.(\d+)/.exec(out.trim());
    if (m && Number(m[1]) === 3 && Number(m[2]) >= 10 && Number(m[2]) <= 13) return py;
  }
  throw new MissingPrerequisiteError(`Python 3.10-3.13 with venv is required for Spark (pyspark): ${aptInstall('python')}`);
}

/** PostgreSQL server binaries from Debian's packages (/usr/lib/postgresql/<major>/bin), newest first. */
export function findPostgresBin(env = process.env): string {
  if (env.PG_BIN_DIR) {
    if (existsSync(join(env.PG_BIN_DIR, 'postgres'))) return env.PG_BIN_DIR;
    throw new MissingPrerequisiteError(`PG_BIN_DIR=${env.PG_BIN_DIR} holds no postgres binary`);
  }
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((d) => existsSync(join(base, d, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0]) return join(base, majors[0], 'bin');
  throw new MissingPrerequisiteError(`PostgreSQL server is required: ${aptInstall('postgres')} (or set PG_BIN_DIR)`);
}

/**
 * PostgreSQL refuses to run as root. When we are root, its commands run as the `postgres` user
 * (created by Debian's package) through setpriv, which execs in place so the pid stays the server's.
 */
export function postgresCommand(binary: string, args: string[]): { command: string; args: string[] } {
  return asPostgresUser(join(findPostgresBin(), binary), args);
}

/** `command` as the postgres user when we are root (setpriv execs in place), else as it is. */
export function asPostgresUser(command: string, args: string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command, args };
  requirePostgresUser();
  return { command: 'setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args] };
}

function requirePostgresUser(): void {
  if (run('id', ['-u', 'postgres']) === undefined) {
    throw new MissingPrerequisiteError(`running as root needs the postgres user to run PostgreSQL: ${aptInstall('postgres')}`);
  }
}

/**
 * Are the binaries of a need there? The same checks as the finders above, not dpkg: a JDK under
 * JAVA_HOME or a Python from pyenv counts. An explicit PG_BIN_DIR without postgres stays an error
 * (installing the package would not fix it).
 */
export function hasNeed(need: Need, env: NodeJS.ProcessEnv = process.env): boolean {
  if (need === 'postgres' && env.PG_BIN_DIR) findPostgresBin(env); // throws when it holds no postgres
  try {
    if (need === 'java') findJava17(env);
    else if (need === 'maven') requireMaven();
    else if (need === 'python') findPython(env);
    else if (need === 'images') requireCommand('mmdebstrap', 'images');
    else {
      findPostgresBin(env);
      if (process.getuid?.() === 0) requirePostgresUser();
    }
    return true;
  } catch (error) {
    if (error instanceof MissingPrerequisiteError) return false;
    throw error;
  }
}

export interface PrerequisiteProbes extends HostProbes {
  /** The binaries of this need are there. */
  has(need: Need): boolean;
}

/** The real host: /etc/os-release, the uid, `sudo -n true`, and the binary checks above. */
export function hostProbes(env: NodeJS.ProcessEnv = process.env): PrerequisiteProbes {
  return {
    osRelease: () => {
      for (const file of ['/etc/os-release', '/usr/lib/os-release']) if (existsSync(file)) return readFileSync(file, 'utf8');
      return undefined;
    },
    uid: () => process.getuid?.(),
    sudoUsable: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
    has: (need) => hasNeed(need, env),
  };
}

export interface PrerequisiteOptions {
  /** Progress lines (the stack's reporter). */
  reporter: Reporter;
  env?: NodeJS.ProcessEnv;
  probes?: PrerequisiteProbes;
  /** Full apt-get output goes here. */
  logFile?: string;
  /** Runs a system command, passing each output line on (default: runCommand). */
  exec?: (command: SystemCommand, onLine: (line: string) => void) => Promise<unknown>;
}

const COMPONENT = 'system-packages';

/**
 * Makes sure the system has what these needs take, before any component is installed: checks
 * the binaries, and when some are missing installs all their packages in one apt-get call
 * (Debian/Ubuntu, root or passwordless sudo, unless STREAMLINE_NO_INSTALL=1), then checks again.
 * Otherwise throws one line with the command to run. Runs nothing when nothing is missing.
 */
export async function ensurePrerequisites(needs: readonly Need[], options: PrerequisiteOptions): Promise<void> {
  const env = options.env ?? process.env;
  const probes = options.probes ?? hostProbes(env);
  const { reporter } = options;
  const missing = NEEDS.filter((need) => needs.includes(need) && !probes.has(need));
  const plan = planInstall(missing, probes, env);
  if (plan.kind === 'nothing') return;
  if (plan.kind === 'manual') throw new MissingPrerequisiteError(plan.message);

  // The log is written synchronously: the CLI exits right after a failure, before a stream would flush.
  const { logFile } = options;
  if (logFile) mkdirSync(dirname(logFile), { recursive: true });
  const exec =
    options.exec ??
    ((c, onLine) =>
      runCommand(c.command, c.args, {
        env: c.env,
        onLine: (line) => {
          if (logFile) appendFileSync(logFile, `${line}\n`);
          onLine(line);
        },
      }));
  const log = logFile ? ` (log: ${logFile})` : '';
  const started = Date.now();
  reporter.step(COMPONENT, `missing ${describeNeeds(missing)}: installing ${plan.packages.join(' ')} (first run; ${NO_INSTALL_VAR}=1 turns this off)`);
  try {
    reporter.step(COMPONENT, formatCommand(plan.update));
    await exec(plan.update, () => undefined);
    reporter.step(COMPONENT, formatCommand(plan.install));
    await exec(plan.install, aptProgress((message) => reporter.step(COMPONENT, message)));
  } catch (error) {
    reporter.fail(COMPONENT, `apt-get failed${log}`);
    throw new MissingPrerequisiteError(`could not install ${plan.packages.join(' ')} with apt-get${log}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const still = missing.filter((need) => !probes.has(need));
  if (still.length > 0) {
    reporter.fail(COMPONENT, `still missing ${describeNeeds(still)}`);
    throw new MissingPrerequisiteError(`apt-get installed ${plan.packages.join(' ')}, yet ${describeNeeds(still)} still cannot be found${log}`);
  }
  reporter.done(COMPONENT, `installed ${plan.packages.join(' ')} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
}
