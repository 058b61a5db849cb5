/**
 * What the servers alone cost per user, on this machine: each server is given only the work the
 * pipeline cannot do without (store the user durably in staging; carry it through Kafka twice;
 * write its row in Cassandra), batched the cheapest way its client allows, with no app logic around
 * it and nothing else running. The server's CPU per user is a floor for the pipeline: the apps and
 * the Spark job come on top. Needs `npm run stack -- up` (and, for clean figures, nothing else busy).
 * Right after `stack up` the JVM servers still compile their hot code: the first runs cost them
 * up to 2-3x more; the README's figures are from servers that had run for a while.
 * Run: npx tsx bench/server-floors.bench.ts [users=100000]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { cassandra, connectAdmin, connectConsumer, connectProducer, createCassandraClient, createKafka, createPgPool } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';
import { runAppToEnd } from '@streamline/app-runner';
import type { ApiUser, UserProcessed } from '@streamline/user-schema';
import { insertUserCql, toInsertParams } from '@streamline/user-table';
import { cpuByTree, cpuDelta } from './cpu-usage.js';
import { fetchGeneratedPages, stackServerPids } from './local-run.js';

const n = Number(process.argv[2] ?? 100_000);
const config = loadConnectionConfig();
const id = `floors_${Date.now().toString(36)}`;
const stack = stackServerPids();

interface Floor {
  server: string;
  work: string;
  client: string;
  rate: number;
  serverUs: number;
  clientUs: number;
}
const floors: Floor[] = [];

/** The server's CPU (its process tree) and this process's (the client's) while `run` runs, per user. */
async function measure(server: string, work: string, client: string, run: () => Promise<void>): Promise<void> {
  const pid = stack.get(server);
  if (!pid) throw new Error(`${server} is not running: npm run stack -- up`);
  const roots = new Map([[server, pid]]);
  const before = cpuByTree(roots);
  const clientBefore = process.cpuUsage();
  const t0 = Date.now();
  await run();
  const ms = Date.now() - t0;
  const clientCpu = process.cpuUsage(clientBefore);
  floors.push({
    server,
    work,
    client,
    rate: Math.round((n * 1000) / ms),
    serverUs: (cpuDelta(before, cpuByTree(roots)).get(server)! * 1e6) / n,
    clientUs: (clientCpu.user + clientCpu.system) / n,
  });
}

// The users come from the ingestor's own generator, served over HTTP like the API (its public entry).
const users: ApiUser[] = await fetchGeneratedPages(id, n);
const pages = Array.from({ length: Math.ceil(users.length / 1000) }, (_, i) => users.slice(i * 1000, (i + 1) * 1000));

// PostgreSQL: one row per user (uuid key, the raw JSON) in one INSERT per 1000, committed.
const pgAdmin = createPgPool(config.pg, { max: 1 });
await pgAdmin.query(`CREATE DATABASE ${id}`);
const pg = createPgPool({ ...config.pg, database: id }, { max: 4 });
try {
  await pg.query('CREATE TABLE users (id uuid PRIMARY KEY, raw jsonb NOT NULL, staged_at timestamptz NOT NULL DEFAULT now())');
  const payloads = pages.map((page) => JSON.stringify(page.map((u) => ({ id: u.login.uuid, raw: u }))));
  let next = 0;
  await measure('postgres', 'stage: insert 1 row (uuid key + raw JSON), 1000 per statement', 'node-postgres', async () => {
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        while (next < payloads.length) {
          await pg.query('INSERT INTO users (id, raw) SELECT id, raw FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, raw jsonb)', [payloads[next++]]);
        }
      }),
    );
  });
} finally {
  await pg.end();
  await pgAdmin.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
  await pgAdmin.end();
}

// Kafka: one ~600-byte message per user (the Avro record's size) produced with acks=all in batches
// of 1000, then consumed once. The pipeline does this twice (users_created, users_processed).
const kafka = createKafka(config.kafka);
const admin = await connectAdmin(kafka);
try {
  await admin.createTopics({ topics: [{ topic: id, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  const producer = await connectProducer(kafka);
  const consumer = await connectConsumer(kafka, { groupId: id });
  const messages = users.map((u) => ({ key: u.login.uuid, value: randomBytes(600) }));
  await measure('kafka', 'produce 1 message (~600 B, acks=all), 1000 per request', 'kafkajs producer', async () => {
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic: id, messages: messages.slice(i, i + 1000) });
  });
  await consumer.subscribe({ topic: id, fromBeginning: true });
  let seen = 0;
  await measure('kafka', 'consume it', 'kafkajs consumer', async () => {
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= n) resolve();
        },
      });
    });
  });
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
} finally {
  await admin.deleteTopics({ topics: [id] }).catch(() => undefined);
  await admin.disconnect();
}

// Cassandra: one created_users row per user, prepared INSERTs with 64 in flight.
const client = createCassandraClient(config.cassandra);
try {
  // The table as the writer makes it: its own migrations, through its public `--migrate-only`.
  const migrate = runAppToEnd('cassandra-writer', ['--migrate-only'], { env: { CASSANDRA_KEYSPACE: id, LOG_LEVEL: 'warn' } });
  if (migrate.status !== 0) throw new Error(`cassandra-writer --migrate-only failed: ${migrate.stderr}`);
  const now = Date.now();
  const params = users.map((u) =>
    toInsertParams(
      {
        id: randomUUID(),
        first_name: u.name.first,
        last_name: u.name.last,
        gender: u.gender,
        address: `${u.location.street.number} ${u.location.street.name}, ${u.location.city}, ${u.location.state}, ${u.location.country}`,
        post_code: String(u.location.postcode),
        email: u.email,
        username: u.login.username,
        dob: Math.floor(Date.parse(u.dob.date) / 86_400_000),
        age: u.dob.age,
        registered_date: Date.parse(u.registered.date),
        phone: u.phone.replace(/[^0-9]/g, ''),
        cell: u.cell.replace(/[^0-9]/g, ''),
        picture: u.picture.medium,
        nationality: u.nat,
        staged_at: now,
        processed_at: now,
      } satisfies UserProcessed,
      new Date(now),
    ),
  );
  const query = insertUserCql(id, 'created_users');
  await measure('cassandra', 'write 1 created_users row, prepared, 64 in flight', 'cassandra-driver', async () => {
    await cassandra.concurrent.executeConcurrent(client, query, params, { concurrencyLevel: 64, raiseOnFirstError: true, collectResults: false });
  });
} finally {
  await client.execute(`DROP KEYSPACE IF EXISTS ${id}`).catch(() => undefined);
  await client.shutdown();
}

// Kafka twice: users_created and users_processed each take every user once.
const times = (f: Floor) => (f.server === 'kafka' ? 2 : 1);
const servers = floors.reduce((sum, f) => sum + times(f) * f.serverUs, 0);
const clients = floors.reduce((sum, f) => sum + times(f) * f.clientUs, 0);
const budget = (cpus().length * 1e6) / 20_000;
console.log(`\nusers: ${n}, one server at a time, on this machine (${cpus().length} cores)\n`);
console.log('| server | the least work per user | users/s | CPU µs / user |');
console.log('| --- | --- | ---: | ---: |');
for (const f of floors) {
  console.log(`| ${f.server} | ${f.work} | ${f.rate.toLocaleString('en-US')} | ${f.serverUs.toFixed(1)} |`);
  console.log(`| (client) | ${f.client} | | ${f.clientUs.toFixed(1)} |`);
}
console.log(`| servers alone (Kafka twice: two topics) | | | ${servers.toFixed(0)} |`);
console.log(`| servers and their clients | | | ${(servers + clients).toFixed(0)} |`);
console.log(`\n20,000 users/s on ${cpus().length} cores leaves ${budget.toFixed(0)} µs of CPU per user for everything.`);
