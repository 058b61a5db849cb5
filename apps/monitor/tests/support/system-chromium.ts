// Debian's chromium for the real-browser test, installed the way the local stack installs its
// system packages (tools/local-stack/src/system-packages.ts): the package comes from the one list,
// system-packages.json (need `browser`); on Debian/Ubuntu as root or with passwordless sudo it is
// installed with apt-get (progress on stderr), unless STREAMLINE_NO_INSTALL=1; otherwise the error
// says what to run. Never a browser download of playwright's own.
import { existsSync } from 'node:fs';
import list from '../../../../tools/local-stack/system-packages.json' with { type: 'json' };
import { hostProbes } from '../../../../tools/local-stack/src/prerequisites.js';
import { runCommand } from '../../../../tools/local-stack/src/run-command.js';
import { aptProgress, formatCommand, installDisabled, isDebianLike, NO_INSTALL_VAR, type SystemCommand } from '../../../../tools/local-stack/src/system-packages.js';

/** Where Debian and Ubuntu put the browser; CHROMIUM_PATH overrides. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) {
    if (existsSync(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist`);
  }
  return CANDIDATES.find((path) => existsSync(path));
}

/** The system chromium's path, installing its package first when it is missing. */
export async function ensureSystemChromium(say: (line: string) => void = (line) => process.stderr.write(`system-packages: ${line}\n`), env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = findChromium(env);
  if (found) return found;
  const packages: string[] = list.apt.browser;
  const probes = hostProbes(env);
  if (!isDebianLike(probes.osRelease())) {
    throw new Error("missing Chromium: install it with your system's package manager and set CHROMIUM_PATH to its binary (the monitor's browser test drives the system browser)");
  }
  const root = probes.uid() === 0;
  const sudo = root ? '' : 'sudo ';
  const byHand = `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (installDisabled(env)) throw new Error(`missing Chromium (${NO_INSTALL_VAR} is set, so nothing is installed): run ${byHand}`);
  if (!root && !probes.sudoUsable()) throw new Error(`missing Chromium: run ${byHand} (installing it automatically needs root or passwordless sudo)`);
  const apt = (args: string[]): SystemCommand =>
    root
      ? { command: 'apt-get', args, env: { DEBIAN_FRONTEND: 'noninteractive' } }
      : { command: 'sudo', args: ['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], env: { DEBIAN_FRONTEND: 'noninteractive' } };
  const update = apt(['update']);
  const install = apt(['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...packages]);
  say(`missing Chromium: installing ${packages.join(' ')} (first run; ${NO_INSTALL_VAR}=1 turns this off)`);
  say(formatCommand(update));
  await runCommand(update.command, update.args, { env: update.env });
  say(formatCommand(install));
  await runCommand(install.command, install.args, { env: install.env, onLine: aptProgress(say) });
  const installed = findChromium(env);
  if (!installed) throw new Error(`apt-get installed ${packages.join(' ')}, yet no chromium binary is at ${CANDIDATES.join(' or ')}`);
  return installed;
}
