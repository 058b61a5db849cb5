// The cluster's one-shot setup (service `cluster-setup` in deploy/docker-compose.cluster.yml), run on
// the stack-setup image (its kafkajs and cassandra-driver) before stack-setup and the apps:
// - Cassandra's system_auth replicated to every node (it ships with replication factor 1), before
//   stack-setup creates the stack's login there, so a login works with any one node down;
// - the pipeline's topics made with the cluster's layout (partitions, replication factor,
//   min.insync.replicas) before an app would make them with the single node's.
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`cluster-setup: set ${name}`);
  return value;
};
const count = (name) => {
  const n = Number(env(name));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`cluster-setup: ${name} must be a positive integer, got ${process.env[name]}`);
  return n;
};
const partitions = count('CLUSTER_TOPIC_PARTITIONS');
const replicationFactor = count('CLUSTER_REPLICATION_FACTOR');
const minInsync = count('CLUSTER_MIN_INSYNC_REPLICAS');
// The apps' topic names (libs/config TOPICS / TOPIC_VARS), moved by the same variables.
const topics = [env('TOPIC_USERS_CREATED', 'users_created'), env('TOPIC_USERS_PROCESSED', 'users_processed'), env('TOPIC_USERS_DLQ', 'users_dlq')];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function retrying(what, fn) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 30) throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      console.warn(`cluster-setup: ${what} not ready (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
      await sleep(2_000);
    }
  }
}

/** The stack's login once stack-setup made it (a later run), else the default one of a fresh cluster. */
async function cassandraSession() {
  const contactPoints = env('CASSANDRA_CONTACT_POINTS').split(',');
  const logins = [
    [env('CASSANDRA_USERNAME'), env('CASSANDRA_PASSWORD')],
    ['cassandra', 'cassandra'],
  ];
  let last;
  for (const [user, password] of logins) {
    const client = new cassandra.Client({
      contactPoints,
      localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
      authProvider: new cassandra.auth.PlainTextAuthProvider(user, password),
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      last = error;
      await client.shutdown().catch(() => undefined);
    }
  }
  throw last;
}

async function replicateAuth() {
  const client = await cassandraSession();
  try {
    const hosts = client.getState().getConnectedHosts().length;
    const peers = (await client.execute('SELECT peer FROM system.peers')).rowLength + 1;
    if (peers < replicationFactor) throw new Error(`${peers} Cassandra nodes joined, ${replicationFactor} expected`);
    await client.execute(`ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${replicationFactor}}`);
    console.log(`cluster-setup: system_auth at replication factor ${replicationFactor} (${peers} nodes, ${hosts} connected)`);
  } finally {
    await client.shutdown();
  }
}

async function makeTopics() {
  const kafka = new Kafka({
    clientId: 'cluster-setup',
    brokers: env('KAFKA_BROKERS').split(','),
    sasl: { mechanism: 'scram-sha-512', username: env('KAFKA_SASL_USERNAME'), password: env('KAFKA_SASL_PASSWORD') },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    if (brokers.length < replicationFactor) throw new Error(`${brokers.length} brokers registered, ${replicationFactor} expected`);
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor, configEntries: [{ name: 'min.insync.replicas', value: String(minInsync) }] })),
      });
    }
    console.log(`cluster-setup: topics ${missing.join(', ') || '(all there already)'} made: ${partitions} partitions, replication factor ${replicationFactor}, min.insync.replicas ${minInsync}`);
  } finally {
    await admin.disconnect();
  }
}

try {
  await retrying('Cassandra cluster', replicateAuth);
  await retrying('Kafka cluster', makeTopics);
  process.exit(0);
} catch (error) {
  console.error(`cluster-setup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
