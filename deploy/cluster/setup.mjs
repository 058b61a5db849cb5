// The cluster's one-shot setup (service `cluster-setup` in deploy/docker-compose.cluster.yml), run on
// the stack-setup image (its cassandra-driver) before stack-setup and the apps: Cassandra's
// system_auth replicated to every node (it ships with replication factor 1), before stack-setup
// creates the stack's login there, so a login works with any one node down. The topics are
// stack-setup's, laid out by the TOPIC_* variables of the overlay (libs/config TopicLayout).
import cassandra from 'cassandra-driver';

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
const replicationFactor = count('CLUSTER_REPLICATION_FACTOR');
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

try {
  await retrying('Cassandra cluster', replicateAuth);
  process.exit(0);
} catch (error) {
  console.error(`cluster-setup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
