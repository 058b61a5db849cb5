import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const deployDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy');

/** The servers the tests need; the app services of the compose file are not started here. */
export const TEST_SERVICES = ['postgres', 'broker', 'schema-registry', 'cassandra', 'spark-master', 'spark-worker'];

/**
 * STACK=docker: the same servers from deploy/docker-compose.yml, started through Testcontainers.
 * Ports are the compose file's (the local stack's defaults), so no env override is needed.
 */
export async function startDockerStack(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const env: StartedDockerComposeEnvironment = await new DockerComposeEnvironment(deployDir, 'docker-compose.yml')
    .withWaitStrategy('cassandra-1', Wait.forHealthCheck())
    .withWaitStrategy('schema-registry-1', Wait.forHealthCheck())
    .withWaitStrategy('broker-1', Wait.forHealthCheck())
    .withStartupTimeout(600_000)
    .up(TEST_SERVICES);
  return { env: {}, stop: async () => void (await env.down({ removeVolumes: true })) };
}
