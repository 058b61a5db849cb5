import type { TestProject } from 'vitest/node';
import { loadStackConfig } from '@streamline/config';
import { stackMode } from './stack-mode.js';

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
    const { startDockerStack } = await import('./docker-stack.js');
    const docker = await startDockerStack();
    project.provide('stackEnv', docker.env);
    return async () => {
      if (!keep) await docker.stop();
    };
  }
  const { createStack } = await import('../../../tools/local-stack/src/stack.js');
  const stack = createStack(loadStackConfig(process.env));
  const before = await stack.status();
  const wasRunning = new Set(before.filter((c) => c.running).map((c) => c.name));
  await stack.up();
  project.provide('stackEnv', {});
  const startedHere = stack
    .components()
    .map((c) => c.name)
    .filter((n) => !wasRunning.has(n));
  return async () => {
    if (!keep && startedHere.length > 0) await stack.down(startedHere);
  };
}
