/**
 * What the servers alone cost per user, on this machine: each server is given only the work the
 * pipeline cannot do without, batched the cheapest way its client allows, with no app logic around
 * it. A server's CPU per user is a floor for the stage that uses it: the apps come on top.
 * - PostgreSQL: store the user (uuid key + raw JSON), 1000 rows per INSERT; read them back, 1000 per SELECT.
 * - Kafka: produce one ~600-byte message per user (the Avro record's size, acks=all); consume it.
 * - Cassandra: write the user's created_users row (the writer's own table), 64 in flight.
 * Right after `stack up` the JVM servers still compile their hot code; the suite warms them first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cassandra, connectAdmin, connectConsumer, connectProducer, createCassandraClient, createKafka, createPgPool } from '@streamline/clients';
import type { ConnectionConfig } from '@streamline/config';
import { runAppToEnd } from '@streamline/app-runner';
import type { ApiUser, UserProcessed } from '@streamline/user-schema';
import { insertUserCql, toInsertParams } from '@streamline/user-table';
import { measureWindow } from './measure-window.js';
import { stackServerPids } from './local-run.js';

export type FloorWork = 'pg-insert' | 'pg-read' | 'kafka-produce' | 'kafka-consume' | 'cassandra-write';

export interface Floor {
  work: FloorWork;
  server: string;
  what: string;
  client: string;
  rate: number;
  serverUs: number;
  clientUs: number;
}

/**
 * Per work, the pass that cost least (server and client together). A floor is a lower bound: the
 * other processes of a shared 2-core machine only ever add to it (a Cassandra compaction doubled
 * one pass's figure), so of several passes the least is the one to compare against.
 */
export function leastOf(passes: readonly Floor[][]): Floor[] {
  const best = new Map<FloorWork, Floor>();
  for (const pass of passes) {
    for (const f of pass) {
      const seen = best.get(f.work);
      if (!seen || f.serverUs + f.clientUs < seen.serverUs + seen.clientUs) best.set(f.work, f);
    }
  }
  return [...best.values()];
}

/** PostgreSQL's floors: what the ingestor stage is judged against, measured alone by bench/ingest-stage.bench.ts. */
export const PG_FLOORS: readonly FloorWork[] = ['pg-insert', 'pg-read'];

/**
 * Measures the floors on `users` (pages of the generator's users, as the pipeline gets them): every
 * one, or only `works` (a server none of them uses need not be up).
 */
export async function measureServerFloors(config: ConnectionConfig, users: ApiUser[], works?: readonly FloorWork[]): Promise<Floor[]> {
  const wanted = (...of: FloorWork[]) => !works || of.some((w) => works.includes(w));
  const n = users.length;
  const id = `floors_${Date.now().toString(36)}`;
  const stack = stackServerPids();
  const floors: Floor[] = [];
  const measure = async (work: FloorWork, server: string, what: string, client: string, run: () => Promise<void>) => {
    const pid = stack.get(server);
    if (!pid) throw new Error(`${server} is not running: npm run stack -- up`);
    const clientBefore = process.cpuUsage();
    const window = await measureWindow(new Map([[server, pid]]), run);
    const clientCpu = process.cpuUsage(clientBefore);
    floors.push({ work, server, what, client, rate: Math.round((n * 1000) / window.ms), serverUs: (window.cpu.get(server)! * 1e6) / n, clientUs: (clientCpu.user + clientCpu.system) / n });
  };
  const pages = Array.from({ length: Math.ceil(n / 1000) }, (_, i) => users.slice(i * 1000, (i + 1) * 1000));

  if (wanted('pg-insert', 'pg-read')) await measurePg();
  if (wanted('kafka-produce', 'kafka-consume')) await measureKafka();
  if (wanted('cassandra-write')) await measureCassandra();
  return floors;

  async function measurePg() {
    const pgAdmin = createPgPool(config.pg, { max: 1 });
    await pgAdmin.query(`CREATE DATABASE ${id}`);
    const pg = createPgPool({ ...config.pg, database: id }, { max: 4 });
    try {
      await pg.query('CREATE TABLE users (seq bigserial PRIMARY KEY, id uuid NOT NULL, raw jsonb NOT NULL, staged_at timestamptz NOT NULL DEFAULT now())');
      const payloads = pages.map((page) => JSON.stringify(page.map((u) => ({ id: u.login.uuid, raw: u }))));
      let next = 0;
      await measure('pg-insert', 'postgres', 'store 1 row (uuid + raw JSON), 1000 per INSERT', 'node-postgres', async () => {
        await Promise.all(
          Array.from({ length: 2 }, async () => {
            while (next < payloads.length) await pg.query('INSERT INTO users (id, raw) SELECT id, raw FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, raw jsonb)', [payloads[next++]]);
          }),
        );
      });
      await measure('pg-read', 'postgres', 'read it back in key order, 1000 per SELECT', 'node-postgres', async () => {
        for (let after = 0; ; ) {
          const { rows } = await pg.query<{ seq: string }>('SELECT seq, id, raw FROM users WHERE seq > $1 ORDER BY seq LIMIT 1000', [after]);
          if (rows.length === 0) break;
          after = Number(rows.at(-1)!.seq);
        }
      });
    } finally {
      await pg.end();
      await pgAdmin.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
      await pgAdmin.end();
  }
  }

  async function measureKafka() {
    const kafka = createKafka(config.kafka);
    const admin = await connectAdmin(kafka);
    try {
      await admin.createTopics({ topics: [{ topic: id, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
      const producer = await connectProducer(kafka);
      const consumer = await connectConsumer(kafka, { groupId: id });
      const messages = users.map((u) => ({ key: u.login.uuid, value: randomBytes(600) }));
      await measure('kafka-produce', 'kafka', 'produce 1 message (~600 B, acks=all), 1000 per request', 'kafkajs producer', async () => {
        for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic: id, messages: messages.slice(i, i + 1000) });
      });
      await consumer.subscribe({ topic: id, fromBeginning: true });
      let seen = 0;
      await measure('kafka-consume', 'kafka', 'consume it', 'kafkajs consumer', async () => {
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
  }

  async function measureCassandra() {
    const client = createCassandraClient(config.cassandra);
    try {
      // The table as the writer makes it: its own migrations, through its public `--migrate-only`.
      const migrate = runAppToEnd('cassandra-writer', ['--migrate-only'], { env: { CASSANDRA_KEYSPACE: id, LOG_LEVEL: 'warn' } });
      if (migrate.status !== 0) throw new Error(`cassandra-writer --migrate-only failed: ${migrate.stderr}`);
      const now = Date.now();
      const params = users.map((u) => toInsertParams(processedOf(u, now), new Date(now)));
      const query = insertUserCql(id, 'created_users');
      await measure('cassandra-write', 'cassandra', 'write 1 created_users row, prepared, 64 in flight', 'cassandra-driver', async () => {
        await cassandra.concurrent.executeConcurrent(client, query, params, { concurrencyLevel: 64, raiseOnFirstError: true, collectResults: false });
      });
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${id}`).catch(() => undefined);
      await client.shutdown();
  }
  }
}

function processedOf(u: ApiUser, now: number): UserProcessed {
  return {
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
    published_at: now,
    processed_at: now,
  };
}

/** Server + client µs per user of the named floors (Kafka's produce and consume count once each). */
export function floorUs(floors: Floor[], works: FloorWork[], side: 'server' | 'both' = 'both'): number {
  return works.reduce((sum, w) => {
    const f = floors.find((x) => x.work === w);
    if (!f) throw new Error(`floor ${w} was not measured`);
    return sum + f.serverUs + (side === 'both' ? f.clientUs : 0);
  }, 0);
}

/**
 * The pipeline's servers-and-clients floor, as defined since the first floor bench: stage in
 * PostgreSQL, carry through Kafka twice (users_created, users_processed), write Cassandra.
 */
export const PIPELINE_FLOOR: FloorWork[] = ['pg-insert', 'kafka-produce', 'kafka-consume', 'kafka-produce', 'kafka-consume', 'cassandra-write'];
