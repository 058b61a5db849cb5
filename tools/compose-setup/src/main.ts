// The compose stack's one-shot setup (service `stack-setup` in deploy/docker-compose.yml): what the
// local stack does for its servers after starting them, done once the servers are healthy and
// before the apps start: Cassandra's login (the stack's superuser from CASSANDRA_USERNAME /
// CASSANDRA_PASSWORD, the default one switched off), as the local stack's `up` does; a check that
// the broker takes the stack's SCRAM login (KAFKA_SASL_*, made when its volume was formatted), so a
// wrong password stops the stack here in one line rather than in every app; and the pipeline's
// topics, laid out as TOPIC_* say (one node by default; the cluster overlay sets its own), and their
// registry subjects (libs/provisioning), which the apps only check for.
import { connectAdmin, createKafka, ensureCassandraLogin } from '@streamline/clients';
import { z } from 'zod';
import { list, loadConnectionConfig, loadTopicLayout, loadTopicNames, readVar, type PipelineTopics, type TopicLayout } from '@streamline/config';
import { provisionSubjects, provisionTopics } from '@streamline/provisioning';
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
async function setUpKafka(kafka: ReturnType<typeof loadConnectionConfig>['kafka'], topics: PipelineTopics, layout: TopicLayout): Promise<{ brokers: number; created: string[] }> {
  if (!kafka.sasl) throw new Error('KAFKA_SASL_MECHANISM is not set: the compose broker takes SCRAM logins only');
  const admin = await connectAdmin(createKafka({ ...kafka, clientId: 'stack-setup' }, undefined, { quiet: true }));
  let brokers: number;
  try {
    brokers = (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
  // Fewer brokers than replicas: the cluster is still coming up (retried), not a topic to make smaller.
  if (brokers < layout.replicationFactor) throw new Error(`${brokers} broker(s) registered, ${layout.replicationFactor} needed for TOPIC_REPLICATION_FACTOR`);
  return { brokers, created: await provisionTopics(kafka, topics, layout) };
}

const STEPS = ['cassandra', 'kafka', 'subjects'] as const;

/**
 * STACK_SETUP_STEPS: all by default (compose); Kubernetes runs `subjects` only, its operators owning
 * the logins and Strimzi's KafkaTopic the topics.
 */
const steps = list(STEPS.join(',')).pipe(
  z.array(z.enum(STEPS, { error: `expected a comma-separated list of ${STEPS.join(', ')}` })),
);

async function main(): Promise<void> {
  const run = new Set(readVar(process.env, 'STACK_SETUP_STEPS', steps));
  const { cassandra, kafka, registry } = loadConnectionConfig(process.env);
  const topics = loadTopicNames(process.env);
  if (run.has('cassandra')) {
    // Healthy (its CQL port open) can still mean "roles not set up yet" for a few seconds.
    const created = await withRetry(() => ensureCassandraLogin(cassandra), retryPolicy('Cassandra login'));
    log.info({ user: cassandra.auth?.username, created }, created ? "created the stack's Cassandra superuser; the default login is off" : "the stack's Cassandra login works");
  }
  if (run.has('kafka')) {
    const layout = loadTopicLayout(process.env);
    const { brokers, created: createdTopics } = await withRetry(() => setUpKafka(kafka, topics, layout), retryPolicy('Kafka'));
    log.info({ user: kafka.sasl?.username, mechanism: kafka.sasl?.mechanism, brokers }, "the stack's Kafka SCRAM login works");
    log.info({ topics: createdTopics, ...layout }, createdTopics.length > 0 ? 'pipeline topics created' : 'pipeline topics there already');
  }
  if (run.has('subjects')) {
    const schemaIds = await withRetry(() => provisionSubjects(registry, topics), retryPolicy('the schema registry'));
    log.info({ schemaIds }, 'pipeline subjects registered');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`stack-setup: ${describeError(error)}`);
    process.exit(1);
  },
);
