import { describe, expect, it } from 'vitest';
import list from '../system-packages.json' with { type: 'json' };
import { aptProgress, describeNeeds, formatCommand, isDebianLike, NEEDS, packagesFor, planInstall, type HostProbes } from './system-packages.js';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n';
const MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\n';

function host(osRelease: string | undefined, uid: number | undefined, sudo: boolean): HostProbes & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    osRelease: () => (asked.push('os-release'), osRelease),
    uid: () => (asked.push('uid'), uid),
    sudoUsable: () => (asked.push('sudo'), sudo),
  };
}

describe('the package list', () => {
  it('has packages for every need, from system-packages.json', () => {
    for (const need of NEEDS) expect(list.apt[need].length).toBeGreaterThan(0);
    expect(packagesFor(['java'])).toEqual(['openjdk-17-jdk-headless']);
    expect(packagesFor(['python'])).toEqual(['python3', 'python3-venv', 'python3-pip']);
  });

  it('maps missing needs to their packages, in order, each once', () => {
    expect(packagesFor(['java', 'maven', 'postgres'])).toEqual(['openjdk-17-jdk-headless', 'maven', 'postgresql']);
    expect(packagesFor([])).toEqual([]);
    const table = { java: ['jdk'], maven: ['maven', 'jdk'], python: ['py'], postgres: ['pg'], images: ['mmdebstrap'] };
    expect(packagesFor(['java', 'maven'], table)).toEqual(['jdk', 'maven']);
  });

  it('describes needs in words', () => {
    expect(describeNeeds(['maven'])).toBe('Maven');
    expect(describeNeeds(['java', 'maven', 'postgres'])).toBe('Java 17 (a JDK), Maven and the PostgreSQL server');
  });
});

describe('isDebianLike', () => {
  it('reads ID and ID_LIKE', () => {
    expect(isDebianLike(DEBIAN)).toBe(true);
    expect(isDebianLike(UBUNTU)).toBe(true);
    expect(isDebianLike(MINT)).toBe(true);
    expect(isDebianLike(FEDORA)).toBe(false);
    expect(isDebianLike('ID="rhel"\nID_LIKE="fedora"\n')).toBe(false);
    expect(isDebianLike(undefined)).toBe(false);
  });
});

describe('planInstall', () => {
  it('asks nothing and does nothing when nothing is missing', () => {
    const probes = host(DEBIAN, 1000, false);
    expect(planInstall([], probes, {})).toEqual({ kind: 'nothing' });
    expect(probes.asked).toEqual([]);
  });

  it('as root: apt-get update, then one apt-get install of every missing package', () => {
    const probes = host(DEBIAN, 0, false);
    const plan = planInstall(['java', 'maven', 'python', 'postgres'], probes, {});
    expect(plan.kind).toBe('install');
    if (plan.kind !== 'install') return;
    expect(plan.packages).toEqual(['openjdk-17-jdk-headless', 'maven', 'python3', 'python3-venv', 'python3-pip', 'postgresql']);
    expect(plan.update).toEqual({ command: 'apt-get', args: ['update'], env: { DEBIAN_FRONTEND: 'noninteractive' } });
    expect(formatCommand(plan.install)).toBe(
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 openjdk-17-jdk-headless maven python3 python3-venv python3-pip postgresql',
    );
    expect(probes.asked).not.toContain('sudo'); // root needs no sudo
  });

  it('with passwordless sudo: the same through sudo -n, passing DEBIAN_FRONTEND on', () => {
    const plan = planInstall(['maven'], host(UBUNTU, 1000, true), {});
    expect(plan.kind).toBe('install');
    if (plan.kind !== 'install') return;
    expect(formatCommand(plan.update)).toBe('sudo -n DEBIAN_FRONTEND=noninteractive apt-get update');
    expect(plan.install.command).toBe('sudo');
    expect(plan.install.args).toEqual(['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', 'maven']);
  });

  it('without root or sudo: the command to run, with sudo', () => {
    const plan = planInstall(['java', 'postgres'], host(DEBIAN, 1000, false), {});
    expect(plan).toEqual({
      kind: 'manual',
      message:
        'missing Java 17 (a JDK) and the PostgreSQL server: run sudo apt-get update && sudo apt-get install -y --no-install-recommends openjdk-17-jdk-headless postgresql (installing it automatically needs root or passwordless sudo)',
    });
  });

  it('outside Debian/Ubuntu: what to install, no apt-get', () => {
    const probes = host(FEDORA, 0, true);
    const plan = planInstall(['java', 'python'], probes, {});
    expect(plan.kind).toBe('manual');
    if (plan.kind !== 'manual') return;
    expect(plan.message).toMatch(/^missing Java 17 \(a JDK\) and Python 3.10–3.13 with venv: install Java 17/);
    expect(plan.message).not.toContain('apt-get');
    expect(probes.asked).toEqual(['os-release']);
    expect(planInstall(['maven'], host(undefined, 0, true), {}).kind).toBe('manual'); // no os-release (macOS)
  });

  it('STREAMLINE_NO_INSTALL=1 turns installing off and prints the command instead', () => {
    for (const value of ['1', 'true', 'YES']) {
      const probes = host(DEBIAN, 0, true);
      const plan = planInstall(['maven'], probes, { STREAMLINE_NO_INSTALL: value });
      expect(plan).toEqual({
        kind: 'manual',
        message: 'missing Maven (STREAMLINE_NO_INSTALL is set, so nothing is installed): run apt-get update && apt-get install -y --no-install-recommends maven',
      });
      expect(probes.asked).not.toContain('sudo');
    }
    expect(planInstall(['maven'], host(DEBIAN, 0, false), { STREAMLINE_NO_INSTALL: '0' }).kind).toBe('install');
  });
});

describe('aptProgress', () => {
  it('reports the summary and one line per package set up', () => {
    const said: string[] = [];
    const onLine = aptProgress((m) => said.push(m));
    for (const line of [
      'Reading package lists...',
      '0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.',
      'Need to get 9,518 kB of archives.',
      'Get:1 http://deb.debian.org/debian bookworm/main amd64 libfoo amd64 1.0 [10 kB]',
      'Fetched 9,518 kB in 1s (9,000 kB/s)',
      'Unpacking maven (3.8.7-1) ...',
      'Setting up libfoo:amd64 (1.0) ...',
      'Setting up maven (3.8.7-1) ...',
      'Processing triggers for man-db (2.11.2-2) ...',
    ])
      onLine(line);
    expect(said).toEqual([
      '0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.',
      'Need to get 9,518 kB of archives.',
      'Fetched 9,518 kB in 1s (9,000 kB/s)',
      'setting up libfoo (1/2)',
      'setting up maven (2/2)',
    ]);
  });
});
