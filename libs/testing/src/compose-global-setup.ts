import { spawnSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { COMPOSE_TEST_PORTS, COMPOSE_TEST_PROJECT, composeFile, docker, ONE_SHOT_SERVICES } from './compose-suite.js';
import { dockerAvailable } from './stack-mode.js';

/** A compose project a suite starts: its name, files (in deploy/) and published ports. */
export interface ComposeSuiteProject {
  project: string;
  files: string[];
  ports: Readonly<Record<string, string>>;
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
  // STREAMLINE_REUSE_COMPOSE=1: the tests against the project as it runs already (started by hand
  // with the same files, project name and ports), left running at the end.
  if (process.env.STREAMLINE_REUSE_COMPOSE === '1') {
    project.provide('stackEnv', { ...suite.ports });
    return;
  }
  const fileArgs = suite.files.flatMap((f) => ['-f', f]);
  const removeProject = () =>
    spawnSync('docker', ['compose', '-p', suite.project, ...fileArgs, 'down', '-v', '--remove-orphans', '--timeout', '20'], {
      stdio: 'ignore',
      env: { ...process.env, ...suite.ports },
    });
  const images = spawnSync('npm', ['run', '-s', 'images'], { cwd: dirname(dirname(composeFile)), stdio: ['ignore', 'inherit', 'inherit'] });
  if (images.status !== 0) throw new Error(`npm run images failed (exit ${images.status})`);
  removeProject();
  const { DockerComposeEnvironment, Wait } = await import('testcontainers');
  const services = docker(['compose', ...fileArgs, 'config', '--services']).split('\n').filter(Boolean);
  let environment = new DockerComposeEnvironment(
    dirname(composeFile),
    suite.files.map((f) => basename(f)),
  )
    .withProjectName(suite.project)
    .withEnvironment({ ...suite.ports })
    .withStartupTimeout(900_000);
  for (const service of services) {
    environment = environment.withWaitStrategy(`${service}-1`, ONE_SHOT_SERVICES.includes(service) ? Wait.forOneShotStartup() : Wait.forHealthCheck());
  }
  const started = await environment.up(services);
  project.provide('stackEnv', { ...suite.ports });
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
  return startComposeSuite(project, { project: COMPOSE_TEST_PROJECT, files: [composeFile], ports: COMPOSE_TEST_PORTS });
}
