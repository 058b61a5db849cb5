import { describe, expect, it } from 'vitest';
import { ensurePrerequisites, hasNeed, type PrerequisiteProbes } from './prerequisites.js';
import type { Reporter } from './reporter.js';
import { formatCommand, type Need, type SystemCommand } from './system-packages.js';

const DEBIAN = 'ID=debian\nVERSION_ID="12"\n';

/** A host where `present` needs are there; installing makes `installable` ones appear. */
function fakeHost(options: { osRelease?: string; uid?: number; sudo?: boolean; present: Need[]; installable?: Need[] }) {
  const present = new Set(options.present);
  const commands: string[] = [];
  const lines: string[] = [];
  const probes: PrerequisiteProbes = {
    osRelease: () => options.osRelease ?? DEBIAN,
    uid: () => options.uid ?? 0,
    sudoUsable: () => options.sudo ?? false,
    has: (need) => present.has(need),
  };
  const exec = async (c: SystemCommand, onLine: (line: string) => void) => {
    commands.push(formatCommand(c));
    if (c.args.includes('install')) {
      onLine('0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.');
      onLine('Setting up maven (3.8.7-1) ...');
      for (const need of options.installable ?? []) present.add(need);
    }
  };
  const reporter: Reporter = {
    step: (c, m) => lines.push(`… ${c} ${m}`),
    done: (c, m) => lines.push(`✓ ${c} ${m}`),
    fail: (c, m) => lines.push(`✗ ${c} ${m}`),
  };
  return { probes, exec, reporter, commands, lines };
}

describe('ensurePrerequisites', () => {
  it('runs nothing when nothing is missing', async () => {
    const h = fakeHost({ present: ['java', 'maven', 'python', 'postgres'] });
    await ensurePrerequisites(['java', 'maven', 'python', 'postgres'], { ...h, env: {} });
    expect(h.commands).toEqual([]);
    expect(h.lines).toEqual([]);
  });

  it('checks only the needs asked for', async () => {
    const h = fakeHost({ present: ['postgres'] });
    await ensurePrerequisites(['postgres'], { ...h, env: {} });
    expect(h.commands).toEqual([]);
  });

  it('installs every missing package in one apt-get call after one update, with progress, then checks again', async () => {
    const h = fakeHost({ present: ['postgres'], installable: ['java', 'maven', 'python'] });
    await ensurePrerequisites(['java', 'maven', 'python', 'postgres'], { ...h, env: {} });
    expect(h.commands).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get update',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 openjdk-17-jdk-headless maven python3 python3-venv python3-pip',
    ]);
    expect(h.lines[0]).toBe(
      '… system-packages missing Java 17 (a JDK), Maven and Python 3.10–3.13 with venv: installing openjdk-17-jdk-headless maven python3 python3-venv python3-pip (first run; STREAMLINE_NO_INSTALL=1 turns this off)',
    );
    expect(h.lines).toContain('… system-packages setting up maven (1/1)');
    expect(h.lines.at(-1)).toMatch(/^✓ system-packages installed openjdk-17-jdk-headless maven python3 python3-venv python3-pip in \d+s$/);
  });

  it('uses sudo -n when not root', async () => {
    const h = fakeHost({ uid: 1000, sudo: true, present: [], installable: ['maven'] });
    await ensurePrerequisites(['maven'], { ...h, env: {} });
    expect(h.commands).toEqual([
      'sudo -n DEBIAN_FRONTEND=noninteractive apt-get update',
      'sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 maven',
    ]);
  });

  it('fails with the command when it may not install: no root or sudo, or STREAMLINE_NO_INSTALL=1', async () => {
    const noSudo = fakeHost({ uid: 1000, sudo: false, present: [] });
    await expect(ensurePrerequisites(['postgres'], { ...noSudo, env: {} })).rejects.toThrow(
      'missing the PostgreSQL server: run sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql',
    );
    expect(noSudo.commands).toEqual([]);

    const optedOut = fakeHost({ present: [] });
    await expect(ensurePrerequisites(['maven'], { ...optedOut, env: { STREAMLINE_NO_INSTALL: '1' } })).rejects.toThrow(
      'missing Maven (STREAMLINE_NO_INSTALL is set, so nothing is installed): run apt-get update && apt-get install -y --no-install-recommends maven',
    );
    expect(optedOut.commands).toEqual([]);
  });

  it('fails without apt-get outside Debian/Ubuntu', async () => {
    const h = fakeHost({ osRelease: 'ID=fedora\n', present: [] });
    await expect(ensurePrerequisites(['java'], { ...h, env: {} })).rejects.toThrow(/^missing Java 17 \(a JDK\): install Java 17/);
    expect(h.commands).toEqual([]);
  });

  it('fails when apt-get fails, or when the need is still missing after the install', async () => {
    const failing = fakeHost({ present: [] });
    const exec = async (c: SystemCommand) => {
      if (c.args.includes('install')) throw new Error('E: Unable to locate package openjdk-17-jdk-headless');
    };
    await expect(ensurePrerequisites(['java'], { ...failing, exec, env: {}, logFile: '/tmp/x.log' })).rejects.toThrow(
      'could not install openjdk-17-jdk-headless with apt-get (log: /tmp/x.log): E: Unable to locate package openjdk-17-jdk-headless',
    );

    const stillMissing = fakeHost({ present: [], installable: [] });
    await expect(ensurePrerequisites(['python'], { ...stillMissing, env: {} })).rejects.toThrow(
      'apt-get installed python3 python3-venv python3-pip, yet Python 3.10–3.13 with venv still cannot be found',
    );
  });
});

describe('hasNeed', () => {
  it('treats a PG_BIN_DIR without postgres as a setting to fix, not a package to install', () => {
    expect(() => hasNeed('postgres', { PG_BIN_DIR: '/nonexistent/streamline-test' })).toThrow('PG_BIN_DIR=/nonexistent/streamline-test holds no postgres binary');
  });
});
