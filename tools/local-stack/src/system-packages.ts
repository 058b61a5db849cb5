import table from '../system-packages.json' with { type: 'json' };

/**
 * What the stack needs from the system. Each need is checked by its binaries (prerequisites.ts),
 * and maps to the packages of system-packages.json, the one list of them.
 */
export type Need = 'java' | 'maven' | 'python' | 'postgres' | 'images';

export const NEEDS: readonly Need[] = ['java', 'maven', 'python', 'postgres', 'images'];

/** Debian/Ubuntu packages per need (system-packages.json). */
export const aptPackages: Readonly<Record<Need, readonly string[]>> = table.apt;

/** Set to 1 to never install system packages (the check then prints the command instead). */
export const NO_INSTALL_VAR = 'STREAMLINE_NO_INSTALL';

type Env = Record<string, string | undefined>;

const descriptions: Record<Need, string> = {
  java: 'Java 17 (a JDK)',
  maven: 'Maven',
  python: 'Python 3.10–3.13 with venv',
  postgres: 'the PostgreSQL server',
  images: 'mmdebstrap (the images\' Debian base)',
};

/** The packages of these needs, in order, each once. */
export function packagesFor(needs: readonly Need[], packages: Readonly<Record<Need, readonly string[]>> = aptPackages): string[] {
  return [...new Set(needs.flatMap((need) => packages[need]))];
}

/** "Java 17 (a JDK), Maven and the PostgreSQL server". */
export function describeNeeds(needs: readonly Need[]): string {
  const parts = needs.map((need) => descriptions[need]);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Debian, Ubuntu and their derivatives, from the text of /etc/os-release (ID or ID_LIKE). */
export function isDebianLike(osRelease: string | undefined): boolean {
  if (!osRelease) return false;
  const field = (key: string) =>
    (new RegExp(`^${key}=(.*)$`, 'm').exec(osRelease)?.[1] ?? '')
      .trim()
      .replace(/^["']|["']$/g, '')
      .toLowerCase();
  return [field('ID'), ...field('ID_LIKE').split(/\s+/)].some((id) => id === 'debian' || id === 'ubuntu');
}

export function installDisabled(env: Env): boolean {
  return /^(1|true|yes)$/i.test(env[NO_INSTALL_VAR]?.trim() ?? '');
}

/** What the host is, asked only when something is missing. */
export interface HostProbes {
  /** Text of /etc/os-release, undefined when there is none. */
  osRelease(): string | undefined;
  uid(): number | undefined;
  /** `sudo -n true` succeeds: sudo without a password. */
  sudoUsable(): boolean;
}

export interface SystemCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export type InstallPlan =
  | { kind: 'nothing' }
  | { kind: 'install'; packages: string[]; update: SystemCommand; install: SystemCommand }
  | { kind: 'manual'; message: string };

/** One line, for logs and messages: `sudo -n DEBIAN_FRONTEND=noninteractive apt-get install ...`. */
export function formatCommand(c: SystemCommand): string {
  const env = c.command === 'sudo' ? [] : Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
  return [...env, c.command, ...c.args].join(' ');
}

/**
 * How to get the missing needs: install them with apt-get (Debian/Ubuntu, as root or with
 * passwordless sudo, unless STREAMLINE_NO_INSTALL is set), else a message with the command to run.
 * Asks the host probes nothing when nothing is missing.
 */
export function planInstall(missing: readonly Need[], probes: HostProbes, env: Env = process.env): InstallPlan {
  if (missing.length === 0) return { kind: 'nothing' };
  const what = describeNeeds(missing);
  if (!isDebianLike(probes.osRelease())) {
    return {
      kind: 'manual',
      message:
        `missing ${what}: install ${what} with your system's package manager ` +
        '(outside Debian/Ubuntu set JAVA_HOME to a JDK 17, PG_BIN_DIR to the folder of the postgres binary, STREAMLINE_PYTHON to a Python 3.10–3.13)',
    };
  }
  const packages = packagesFor(missing);
  const root = probes.uid() === 0;
  const sudo = root ? '' : 'sudo ';
  const byHand = `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (installDisabled(env)) return { kind: 'manual', message: `missing ${what} (${NO_INSTALL_VAR} is set, so nothing is installed): run ${byHand}` };
  if (!root && !probes.sudoUsable()) {
    return { kind: 'manual', message: `missing ${what}: run ${byHand} (installing it automatically needs root or passwordless sudo)` };
  }
  const apt = (args: string[]): SystemCommand => {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    // sudo resets the environment; variables given before the command pass through.
    return root ? { command: 'apt-get', args, env } : { command: 'sudo', args: ['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], env };
  };
  return {
    kind: 'install',
    packages,
    update: apt(['update']),
    // Waits for a dpkg lock held by e.g. unattended-upgrades instead of failing at once.
    install: apt(['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...packages]),
  };
}

/**
 * Turns apt-get install output into progress: the summary, then one line per package set up,
 * counted against the number apt announced.
 */
export function aptProgress(say: (message: string) => void): (line: string) => void {
  let total = 0;
  let setUp = 0;
  return (line) => {
    const summary = /^(\d+) upgraded, (\d+) newly installed/.exec(line);
    if (summary) {
      total = Number(summary[1]) + Number(summary[2]);
      say(line.trim());
    } else if (/^(Need to get|Fetched) /.test(line)) {
      say(line.trim());
    } else {
      const pkg = /^Setting up ([^\s:]+)/.exec(line)?.[1];
      if (pkg) say(`setting up ${pkg} (${++setUp}${total ? `/${total}` : ''})`);
    }
  };
}
