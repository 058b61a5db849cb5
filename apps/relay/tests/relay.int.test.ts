import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin, connectConsumer, createAvroSerde, createKafka, createPgPool, createRegistryClient, type PgPool } from '@streamline/clients';
import { migrateStaging, stageUsers } from '@streamline/staging';
import { mapApiUser, type UserCreated } from '@streamline/user-schema';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';

const root = join(import.meta.dirname, '..', '..', '..');
const config = testConnections();

/** N distinct users shaped like API results. */
function users(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const raw = { ...apiUserNumericPostcode, login: { ...apiUserNumericPostcode.login, uuid: randomUUID() }, email: `user${i}@example.com` };
    return { raw, record: mapApiUser(raw, { source: 'generator', ingestRunId: 'relay-it' }) };
  });
}

function startRelay(env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps/relay/src/main.ts'), ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('relay (real PostgreSQL, Kafka, registry)', () => {
  const database = uniqueName('it_relay');
  const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
  let pool: PgPool;
  const kafka = createKafka(config.kafka);

  beforeAll(async () => {
    // Its own database: the outbox is shared by design, so tests must not share it.
    await admin.query(`CREATE DATABASE ${database}`);
    pool = createPgPool({ ...config.pg, database }, { max: 4 });
    await migrateStaging(pool);
  });

  afterAll(async () => {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  async function topicMessages(topic: string): Promise<number> {
    const a = await connectAdmin(kafka);
    try {
      return (await a.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await a.disconnect();
    }
  }

  async function unpublished(): Promise<number> {
    return Number((await pool.query('SELECT count(*) FROM outbox WHERE published_at IS NULL')).rows[0].count);
  }

  it('publishes every staged user once, in Avro keyed by id, and marks the rows published', async () => {
    const topic = uniqueName('it_relay_topic');
    const batch = users(300);
    expect(await stageUsers(pool, batch)).toEqual({ staged: 300, duplicates: 0 });

    const relay = startRelay({ PG_DATABASE: database, TOPIC_USERS_CREATED: topic }, ['--once']);
    expect(await exited(relay)).toBe(0);
    expect(await unpublished()).toBe(0);
    expect(await topicMessages(topic)).toBe(300);

    // Decode what landed: the same users, keyed by id, with staged_at from the commit.
    const serde = createAvroSerde<UserCreated>(createRegistryClient(config.registry), topic);
    const seen = new Map<string, UserCreated>();
    const consumer = await connectConsumer(kafka, { groupId: uniqueName('it_relay_check') });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const user = await serde.deserialize(message.value!);
        expect(message.key!.toString()).toBe(user.id);
        seen.set(user.id, user);
      },
    });
    await waitFor(() => seen.size >= 300, { timeoutMs: 60_000, what: '300 users consumed' });
    await consumer.disconnect();
    const first = batch[0]!.record;
    const got = seen.get(first.id)!;
    expect(got).toMatchObject({ ...first });
    expect(got.staged_at).toBeGreaterThan(Date.now() - 10 * 60_000);
  });

  it('loses nothing when killed mid-run, and two relays at once never publish a row twice', async () => {
    const topic = uniqueName('it_relay_kill');
    await stageUsers(pool, users(3000));
    const env = { PG_DATABASE: database, TOPIC_USERS_CREATED: topic, RELAY_BATCH_SIZE: '100' };

    const victim = startRelay(env);
    await waitFor(async () => (await unpublished()) < 3000 && (await unpublished()) > 0, { timeoutMs: 60_000, what: 'first batches published' });
    victim.kill('SIGKILL');
    await exited(victim);
    const left = await unpublished();
    expect(left).toBeGreaterThan(0);

    const a = startRelay(env, ['--once']);
    const b = startRelay(env, ['--once']);
    expect(await exited(a)).toBe(0);
    expect(await exited(b)).toBe(0);
    expect(await unpublished()).toBe(0);

    // At-least-once: a batch the killed relay sent but did not mark may come again; nothing is missing.
    const total = await topicMessages(topic);
    expect(total).toBeGreaterThanOrEqual(3000);
    expect(total).toBeLessThanOrEqual(3000 + 100);
  });
});
