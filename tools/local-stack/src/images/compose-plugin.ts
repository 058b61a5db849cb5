import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Reporter } from '../reporter.js';
import { runCommand } from '../run-command.js';
import { ensureDir } from '../paths.js';

/**
 * Docker Compose v2+ (`docker compose ... up --wait`), built from its Go module (the Go module proxy
 * serves it; Debian's docker-compose is v1, without --wait). Compose 5 is the v2 line renamed.
 */
export const COMPOSE_MODULE = 'github.com/docker/compose/v5';
export const COMPOSE_VERSION = 'v5.6.0';

const composeAnswers = () => spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;

/** Makes `docker compose` work: nothing when it already does, else builds the plugin (once: cached) and installs it for this user. */
export async function ensureComposePlugin(cacheDir: string, reporter: Reporter): Promise<void> {
  if (composeAnswers()) return;
  const dir = ensureDir(join(cacheDir, 'images', `compose-${COMPOSE_VERSION}`));
  const binary = join(dir, 'docker-compose');
  const logFile = join(dir, 'build.log');
  if (!existsSync(binary)) {
    reporter.step('compose', `building Docker Compose ${COMPOSE_VERSION} from the Go module proxy (once, ~4 min on 2 cores)`);
    const env = { GOMODCACHE: join(cacheDir, 'go-mod'), GOFLAGS: '-modcacherw' };
    const json = await runCommand('go', ['mod', 'download', '-json', `${COMPOSE_MODULE}@${COMPOSE_VERSION}`], { env, logFile });
    const source = (JSON.parse(json.slice(json.indexOf('{'))) as { Dir?: string }).Dir;
    if (!source) throw new Error(`go mod download named no folder for ${COMPOSE_MODULE}@${COMPOSE_VERSION} (log: ${logFile})`);
    // Built inside its module (its go.mod has exclude directives, which `go install pkg@version` refuses).
    await runCommand('go', ['build', '-trimpath', '-ldflags', `-s -w -X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}`, '-o', binary, './cmd'], {
      cwd: source,
      env,
      logFile,
    });
  }
  const plugins = ensureDir(join(homedir(), '.docker', 'cli-plugins'));
  copyFileSync(binary, join(plugins, 'docker-compose'));
  spawnSync('chmod', ['755', join(plugins, 'docker-compose')]);
  if (!composeAnswers()) throw new Error(`docker compose does not answer after installing ${join(plugins, 'docker-compose')}`);
  reporter.done('compose', `Docker Compose ${COMPOSE_VERSION} installed in ${plugins}`);
}
