import { spawnSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { COMPOSE_TEST_PORTS, COMPOSE_TEST_PROJECT, COMPOSE_TEST_SETTINGS, composeFile, docker, ONE_SHOT_SERVICES } from './compose-suite.js';
import { dockerAvailable } from './stack-mode.js';
import { HealthyWait } from './healthy-wait.js';

/** A compose project a suite starts: its name, files (in deploy/), published ports and other settings. */
export interface ComposeSuiteProject {
  project: string;
  files: string[];
  ports: Readonly<Record<string, string>>;
  settings?: Readonly<Record<string, string>>;
  /** The services to start (with what they depend on); all of the files' by default. */
  services?: readonly string[];
  /** Settings of the test processes and the apps they start (also given to testConnections). */
  clientEnv?: Readonly<Record<string, string>>;
}

/** Each of the project's containers that is not up and healthy (or done), with its last health output: why the stack did not come up. */
function unhealthyServices(project: string): string {
  const ids = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]).split('\n').filter(Boolean);
  if (ids.length === 0) return 'no container was made';
  const states = JSON.parse(docker(['inspect', ...ids])) as Array<{
    Config: { Labels: Record<string, string> };
    State: { Status: string; ExitCode: number; Health?: { Status: string; Log?: Array<{ Output: string }> } };
  }>;
  const bad = states
    .filter(({ State: s }) => !(s.Status === 'running' && (s.Health?.Status ?? 'healthy') === 'healthy') && !(s.Status === 'exited' && s.ExitCode === 0))
    .map(({ Config, State: s }) => {
      const said = s.Health?.Log?.at(-1)?.Output.trim().replace(/\s+/g, ' ').slice(0, 200) ?? '';
      return `${Config.Labels['com.docker.compose.service']} (${s.Status}${s.Status === 'exited' ? ` ${s.ExitCode}` : ''}${s.Health ? `, ${s.Health.Status}` : ''}${said ? `: ${said}` : ''})`;
    });
  return bad.join('; ') || 'none';
}

/**
 * A suite's servers and apps: the project's images (`npm run images`, only what changed), then the
 * compose files started through Testcontainers on ports of their own, each service waited for by
 * its healthcheck. Ryuk has no image here: it is off, and the teardown returned removes the
 * project's containers, network and volumes, whether the tests passed or not (a leftover of an
 * interrupted run is removed first).
 */
export async function startComposeSuite(project: TestProject, suite: ComposeSuiteProject) {
  if (!dockerAvailable()) return; // the suite shows as skipped (describeWithEngine)
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  // The test workers (and the apps they start) inherit this process's environment.
  Object.assign(process.env, suite.clientEnv);
  const stackEnv = { ...suite.ports, ...suite.clientEnv };
  // STREAMLINE_REUSE_COMPOSE=1: the tests against the project as it runs already (started by hand
  // with the same files, project name and ports), left running at the end.
  if (process.env.STREAMLINE_REUSE_COMPOSE === '1') {
    project.provide('stackEnv', stackEnv);
    return;
  }
  const env = { ...suite.ports, ...suite.settings };
  const fileArgs = suite.files.flatMap((f) => ['-f', f]);
  const removeProject = () =>
    spawnSync('docker', ['compose', '-p', suite.project, ...fileArgs, 'down', '-v', '--remove-orphans', '--timeout', '20'], {
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
  const images = spawnSync('npm', ['run', '-s', 'images'], { cwd: dirname(dirname(composeFile)), stdio: ['ignore', 'inherit', 'inherit'] });
  if (images.status !== 0) throw new Error(`npm run images failed (exit ${images.status})`);
  removeProject();
  const { DockerComposeEnvironment, Wait } = await import('testcontainers');
  const all = docker(['compose', ...fileArgs, 'config', '--services']).split('\n').filter(Boolean);
  const services = suite.services ? [...suite.services] : all;
  let environment = new DockerComposeEnvironment(
    dirname(composeFile),
    suite.files.map((f) => basename(f)),
  )
    .withProjectName(suite.project)
    .withEnvironment(env)
    .withStartupTimeout(900_000);
  // Every service may start (a dependency of one asked for): each is waited for its own way.
  for (const service of all) {
    environment = environment.withWaitStrategy(`${service}-1`, ONE_SHOT_SERVICES.includes(service) ? Wait.forOneShotStartup() : new HealthyWait());
  }
  // Testcontainers removes the containers when one fails and names none: what was not healthy is
  // looked at every few seconds while they start, and the last look is said with the error.
  let lastLook = 'no look yet';
  const look = setInterval(() => {
    try {
      lastLook = unhealthyServices(suite.project);
    } catch {
      // the engine busy or the project half made: look again next time
    }
  }, 5_000);
  const upSince = Date.now();
  const started = await environment
    .up(services)
    .catch((error: unknown) => {
      removeProject();
      throw new Error(`the compose stack did not come up: ${(error as Error).message}; not healthy at the last look: ${lastLook}`);
    })
    .finally(() => clearInterval(look));
  // The bring-up's duration, for CI's time budget (docs/testing.md).
  console.log(`${suite.project}: compose stack healthy in ${Math.round((Date.now() - upSince) / 1000)} s`);
  project.provide('stackEnv', stackEnv);
  return async () => {
    if (process.env.STREAMLINE_KEEP_STACK === '1') return;
    await started.down({ removeVolumes: true, timeout: 20_000 }).catch(() => undefined);
    removeProject();
    const left = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${suite.project}`]);
    if (left) throw new Error(`the suite left containers behind in ${suite.project}: ${left.replace(/\n/g, ' ')}`);
  };
}

/** The docker suite: deploy/docker-compose.yml on its own project and ports. */
export default function setup(project: TestProject) {
  return startComposeSuite(project, { project: COMPOSE_TEST_PROJECT, files: [composeFile], ports: COMPOSE_TEST_PORTS, settings: COMPOSE_TEST_SETTINGS });
}
