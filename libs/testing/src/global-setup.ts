import type { TestProject } from 'vitest/node';
import { stackCli } from './local-stack-control.js';
import { composeFile, hostClientsComposeFile, STACK_TEST_CLIENT_ENV, STACK_TEST_PROJECT, STACK_TEST_SERVICES } from './compose-suite.js';
import { dockerAvailable, stackMode } from './stack-mode.js';

/**
 * Starts the servers once per test run. STACK=local (the default without Docker) brings up the
 * local stack, reusing servers already up; STACK=docker starts containers with Testcontainers;
 * STACK=external uses the addresses in env. What this setup started it also stops, unless
 * STREAMLINE_KEEP_STACK=1.
 */
export default async function setup(project: TestProject) {
  const mode = stackMode();
  const keep = process.env.STREAMLINE_KEEP_STACK === '1';
  if (mode === 'external') {
    project.provide('stackEnv', {});
    return;
  }
  if (mode === 'docker') {
    if (!dockerAvailable()) throw new Error('STACK=docker: no Docker engine answers (docker info); start dockerd, or run without STACK=docker');
    // The apps run as processes on this machine against the containers; the spark-launcher runs
    // the job in its driver (local[3]) from the local pyspark venv (installed, not started).
    stackCli(['install', 'spark-master'], 'inherit');
    const { startComposeSuite } = await import('./compose-global-setup.js');
    return startComposeSuite(project, {
      project: STACK_TEST_PROJECT,
      files: [composeFile, hostClientsComposeFile],
      ports: {},
      services: STACK_TEST_SERVICES,
      clientEnv: STACK_TEST_CLIENT_ENV,
    });
  }
  const before = (JSON.parse(stackCli(['status', '--json'], 'pipe')) as Array<{ name: string; running: boolean }>).filter((c) => c.running);
  // The servers only: tests run their own apps, on their own data and ports.
  stackCli(['up', '--no-apps'], 'inherit');
  project.provide('stackEnv', {});
  const after = JSON.parse(stackCli(['status', '--json'], 'pipe')) as Array<{ name: string }>;
  const startedHere = after.map((c) => c.name).filter((n) => !before.some((b) => b.name === n));
  return async () => {
    if (!keep && startedHere.length > 0) stackCli(['down', ...startedHere], 'inherit');
  };
}
