import { randomBytes } from 'node:crypto';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const deployDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy');

/** The servers the tests need; the app services of the compose file are not started here. */
export const TEST_SERVICES = ['postgres', 'kafka', 'schema-registry', 'cassandra', 'spark-master', 'spark-worker'];

/**
 * STACK=docker: the same servers from deploy/docker-compose.yml, started through Testcontainers.
 * Ports are the compose file's (the local stack's defaults), so no env override is needed.
 */
export async function startDockerStack(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  // The compose file takes its password from the environment (none is kept in the repository).
  const password = process.env.PG_PASSWORD || randomBytes(18).toString('base64url');
  process.env.PG_PASSWORD = password;
  const env: StartedDockerComposeEnvironment = await new DockerComposeEnvironment(deployDir, 'docker-compose.yml')
    .withEnvironment({ PG_PASSWORD: password })
    .withWaitStrategy('cassandra-1', Wait.forHealthCheck())
    .withWaitStrategy('schema-registry-1', Wait.forHealthCheck())
    .withWaitStrategy('kafka-1', Wait.forHealthCheck())
    .withStartupTimeout(600_000)
    .up(TEST_SERVICES);
  return { env: { PG_PASSWORD: password }, stop: async () => void (await env.down({ removeVolumes: true })) };
}
