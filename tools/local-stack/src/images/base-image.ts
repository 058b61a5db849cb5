import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../run-command.js';
import { ensureDir } from '../paths.js';
import { dockerBuild, imageLabel, INPUTS_LABEL } from './docker.js';
import { BASE_IMAGE, DEBIAN_SUITE } from './specs.js';

/**
 * The base of every image, made from Debian's packages with mmdebstrap (no registry image):
 * minbase plus CA certificates, tini (PID 1 that forwards signals and reaps), procps (Spark's
 * scripts call ps) and curl (HTTP healthchecks).
 */
export const BASE_PACKAGES = ['ca-certificates', 'tini', 'procps', 'curl'];
const MIRRORS = [
  `deb http://deb.debian.org/debian ${DEBIAN_SUITE} main`,
  `deb http://deb.debian.org/debian ${DEBIAN_SUITE}-updates main`,
  `deb http://deb.debian.org/debian-security ${DEBIAN_SUITE}-security main`,
];
// Documentation and translations are of no use in a container.
// Manuals stay: packages' alternatives link into /usr/share/man (openjdk's fail without it).
const DPKG_EXCLUDES = ['/usr/share/doc/*', '/usr/share/info/*', '/usr/share/locale/*', '/usr/share/lintian/*'];

export const baseInputsKey = () => createHash('sha256').update(JSON.stringify({ DEBIAN_SUITE, BASE_PACKAGES, MIRRORS, DPKG_EXCLUDES })).digest('hex').slice(0, 16);

/** Builds the base image unless one with the same inputs exists; returns whether it was built. */
export async function ensureBaseImage(workDir: string, onLine: (line: string) => void, logFile: string, force = false): Promise<boolean> {
  const key = baseInputsKey();
  if (!force && imageLabel(BASE_IMAGE, INPUTS_LABEL) === key) return false;
  const dir = ensureDir(join(workDir, 'base'));
  const tarball = join(dir, 'rootfs.tar');
  rmSync(tarball, { force: true });
  await runCommand(
    'mmdebstrap',
    [
      '--variant=minbase',
      `--include=${BASE_PACKAGES.join(',')}`,
      ...DPKG_EXCLUDES.map((p) => `--dpkgopt=path-exclude=${p}`),
      // Licences stay (copyright files).
      '--dpkgopt=path-include=/usr/share/doc/*/copyright',
      DEBIAN_SUITE,
      tarball,
      ...MIRRORS,
    ],
    { onLine, logFile },
  );
  // docker import makes an image of the tarball; a one-line Dockerfile then adds the label (import
  // has no --label) and the default command.
  await runCommand('docker', ['import', tarball, `${BASE_IMAGE}-rootfs`], { logFile });
  rmSync(tarball, { force: true });
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}-rootfs\nENV LANG=C.UTF-8\nCMD ["bash"]\n`);
  await dockerBuild(dir, BASE_IMAGE, { buildArgs: {}, labels: { [INPUTS_LABEL]: key }, onLine, logFile });
  return true;
}
