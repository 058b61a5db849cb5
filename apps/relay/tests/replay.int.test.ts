import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAppToEnd } from '@streamline/app-runner';
import { connectConsumer, createAvroSerde, createKafka, createRegistryClient, type PgPool } from '@streamline/clients';
import { stageUsers } from '@streamline/staging';
import type { UserCreated } from '@streamline/user-schema';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';
import { apiUsers, createStagingDatabase, topicMessages } from './support.js';

const config = testConnections();

describe('relay --replay (npm run replay): staged users through the pipeline again (real PostgreSQL, Kafka, registry)', () => {
  const database = uniqueName('it_relay_replay');
  let staging: Awaited<ReturnType<typeof createStagingDatabase>>;
  let pool: PgPool;
  const kafka = createKafka(config.kafka);
  const relay = (topic: string, args: string[]) => runAppToEnd('relay', args, { env: { PG_DATABASE: database, TOPIC_USERS_CREATED: topic, LOG_LEVEL: 'warn', RELAY_HTTP_PORT: '0' } });

  beforeAll(async () => {
    staging = await createStagingDatabase(config.pg, database);
    pool = staging.pool;
  });

  afterAll(async () => {
    await staging.drop();
  });

  it('re-sends the users a run fetched as new events with the same records; --since takes a time; a bad filter is refused in one line', async () => {
    const topic = uniqueName('it_relay_replay_topic');
    await provisionForTest(config, { created: topic });
    const before = new Date();
    await stageUsers(pool, apiUsers(300, 'replay-run', 'replay'));
    await stageUsers(pool, apiUsers(50, 'other-run', 'other'));
    expect(relay(topic, ['--once']).status).toBe(0);
    expect(await topicMessages(kafka, topic)).toBe(350);

    const replay = relay(topic, ['--replay', '--run-id', 'replay-run']);
    expect(replay.status, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout.trim())).toEqual({ replayed: 300, runId: 'replay-run' });
    expect(Number((await pool.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0].n)).toBe(300);
    expect(relay(topic, ['--once']).status).toBe(0);
    expect(await topicMessages(kafka, topic)).toBe(650);

    // The replayed events carry the same records as the first ones (staged_at included), under new event ids.
    const serde = createAvroSerde<UserCreated>(createRegistryClient(config.registry), topic);
    const seen = new Map<string, Array<{ user: UserCreated; event: string }>>();
    const consumer = await connectConsumer(kafka, { groupId: uniqueName('it_relay_replay_check') });
    await consumer.subscribe({ topic, fromBeginning: true });
    let count = 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const user = await serde.deserialize(message.value!);
        seen.set(user.id, [...(seen.get(user.id) ?? []), { user, event: message.headers!.id!.toString() }]);
        count++;
      },
    });
    await waitFor(() => count >= 650, { timeoutMs: 60_000, what: '650 messages read' });
    await consumer.disconnect();
    const twice = [...seen.values()].filter((events) => events.length === 2);
    expect(twice).toHaveLength(300);
    for (const [first, again] of twice) {
      expect(again!.user).toEqual(first!.user);
      expect(again!.event).not.toBe(first!.event);
      expect(first!.user.ingest_run_id).toBe('replay-run');
    }

    const since = relay(topic, ['--replay', '--since', before.toISOString()]);
    expect(JSON.parse(since.stdout.trim())).toEqual({ replayed: 350, since: before.toISOString() });

    const bad = relay(topic, ['--replay']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n').filter((l) => l.startsWith('relay:'))).toEqual(['relay: replay needs --run-id <id> (the users an ingest run fetched) or --since <ISO time>']);
  });
});
