import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StreamlineError } from '@streamline/runtime';

/** A tool the stack needs is missing; the message says what to install. */
export class MissingPrerequisiteError extends StreamlineError {}

/** Output (stdout + stderr) of a command that succeeded, else undefined. */
function run(cmd: string, args: string[]): string | undefined {
  const res = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return res.status === 0 ? `${res.stdout}${res.stderr}` : undefined;
}

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
  throw new MissingPrerequisiteError('Java 17 is required (Cassandra 5.0 runs on 11 or 17 only): apt-get install openjdk-17-jdk-headless, or set JAVA_HOME to a JDK 17');
}

export function javaHomeOf(javaBin: string): string | undefined {
  if (!javaBin.includes('/')) {
    const out = run('java', ['-XshowSettings:properties', '-version']) ?? '';
    return /java\.home = (.+)/.exec(out)?.[1]?.trim();
  }
  return join(javaBin, '..', '..');
}

export function requireMaven(): void {
  if (run('mvn', ['-v']) === undefined) throw new MissingPrerequisiteError('Maven is required to fetch the servers from Maven Central: apt-get install maven');
}

/** pyspark 4.x needs Python 3.10+; picks PYTHON, then python3.12/3.11/3.10/python3. */
export function findPython(env = process.env): string {
  const candidates = [env.STREAMLINE_PYTHON, 'python3.12', 'python3.11', 'python3.10', 'python3'].filter((c): c is string => Boolean(c));
  for (const py of candidates) {
    const out = run(py, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])']);
    const m = out && /^(\d+)\.(\d+)/.exec(out.trim());
    if (m && Number(m[1]) === 3 && Number(m[2]) >= 10 && Number(m[2]) <= 13) return py;
  }
  throw new MissingPrerequisiteError('Python 3.10-3.13 with venv is required for Spark (pyspark): apt-get install python3 python3-venv');
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
  throw new MissingPrerequisiteError('PostgreSQL server is required: apt-get install postgresql (or set PG_BIN_DIR)');
}

/**
 * PostgreSQL refuses to run as root. When we are root, its commands run as the `postgres` user
 * (created by Debian's package) through setpriv, which execs in place so the pid stays the server's.
 */
export function postgresCommand(binary: string, args: string[]): { command: string; args: string[] } {
  const path = join(findPostgresBin(), binary);
  if (process.getuid?.() !== 0) return { command: path, args };
  if (run('id', ['-u', 'postgres']) === undefined) {
    throw new MissingPrerequisiteError('running as root needs the postgres user to run PostgreSQL: apt-get install postgresql');
  }
  return { command: 'setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', path, ...args] };
}
