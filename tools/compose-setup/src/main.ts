// The compose stack's one-shot setup (service `stack-setup` in deploy/docker-compose.yml): what the
// local stack does for its servers after starting them, done once the servers are healthy and
// before the apps start: Cassandra's login (the stack's superuser from CASSANDRA_USERNAME /
// CASSANDRA_PASSWORD, the default one switched off), as the local stack's `up` does; a check that
// the broker takes the stack's SCRAM login (KAFKA_SASL_*, made when its volume was formatted), so a
// wrong password stops the stack here in one line rather than in every app; and the pipeline's
// topics, laid out as TOPIC_* say (one node by default; the cluster overlay sets its own), before
// any app would create them.
import { connectAdmin, createKafka, ensureCassandraLogin, ensureTopics } from '@streamline/clients';
import { loadConnectionConfig, loadTopicLayout, readVar, topicName, TOPIC_VARS, TOPICS, type TopicLayout } from '@streamline/config';
import { createLogger, describeError, withRetry } from '@streamline/runtime';

const log = createLogger('stack-setup');

const retryPolicy = (what: string) => ({
  retries: 20,
  minDelayMs: 1_000,
  maxDelayMs: 5_000,
  retryIf: () => true,
  onRetry: (error: unknown, attempt: number) => log.warn({ attempt, err: describeError(error) }, `${what} not ready, retrying`),
});

/** Logs in with the stack's SCRAM user, then creates the pipeline's topics that are missing. */
async function setUpKafka(kafka: ReturnType<typeof loadConnectionConfig>['kafka'], layout: TopicLayout): Promise<{ brokers: number; created: string[] }> {
  if (!kafka.sasl) throw new Error('KAFKA_SASL_MECHANISM is not set: the compose broker takes SCRAM logins only');
  const topics = (['created', 'processed', 'dlq'] as const).map((t) => ({ topic: readVar(process.env, TOPIC_VARS[t], topicName(TOPICS[t])) }));
  const admin = await connectAdmin(createKafka({ ...kafka, clientId: 'stack-setup' }, undefined, { quiet: true }));
  try {
    const brokers = (await admin.describeCluster()).brokers.length;
    // Fewer brokers than replicas: the cluster is still coming up (retried), not a topic to make smaller.
    if (brokers < layout.replicationFactor) throw new Error(`${brokers} broker(s) registered, ${layout.replicationFactor} needed for TOPIC_REPLICATION_FACTOR`);
    return { brokers, created: await ensureTopics(admin, topics, layout) };
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const { cassandra, kafka } = loadConnectionConfig(process.env);
  // Healthy (its CQL port open) can still mean "roles not set up yet" for a few seconds.
  const created = await withRetry(() => ensureCassandraLogin(cassandra), retryPolicy('Cassandra login'));
  log.info({ user: cassandra.auth?.username, created }, created ? "created the stack's Cassandra superuser; the default login is off" : "the stack's Cassandra login works");
  const layout = loadTopicLayout(process.env);
  const { brokers, created: topics } = await withRetry(() => setUpKafka(kafka, layout), retryPolicy('Kafka'));
  log.info({ user: kafka.sasl?.username, mechanism: kafka.sasl?.mechanism, brokers }, "the stack's Kafka SCRAM login works");
  log.info({ topics, ...layout }, topics.length > 0 ? 'pipeline topics created' : 'pipeline topics there already');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`stack-setup: ${describeError(error)}`);
    process.exit(1);
  },
);
