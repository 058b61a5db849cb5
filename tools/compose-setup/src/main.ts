// The compose stack's one-shot setup (service `stack-setup` in deploy/docker-compose.yml): what the
// local stack does for its servers after starting them, done once the servers are healthy and
// before the apps start. Today: Cassandra's login (the stack's superuser from CASSANDRA_USERNAME /
// CASSANDRA_PASSWORD, the default one switched off), as the local stack's `up` does.
import { ensureCassandraLogin } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';
import { createLogger, describeError, withRetry } from '@streamline/runtime';

const log = createLogger('stack-setup');

async function main(): Promise<void> {
  const { cassandra } = loadConnectionConfig(process.env);
  // Healthy (its CQL port open) can still mean "roles not set up yet" for a few seconds.
  const created = await withRetry(() => ensureCassandraLogin(cassandra), {
    retries: 20,
    minDelayMs: 1_000,
    maxDelayMs: 5_000,
    retryIf: () => true,
    onRetry: (error, attempt) => log.warn({ attempt, err: describeError(error) }, 'Cassandra login not ready, retrying'),
  });
  log.info({ user: cassandra.auth?.username, created }, created ? "created the stack's Cassandra superuser; the default login is off" : "the stack's Cassandra login works");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`stack-setup: ${describeError(error)}`);
    process.exit(1);
  },
);
