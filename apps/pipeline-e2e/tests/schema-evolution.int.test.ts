import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin, connectProducer, createAvroSerde, createCassandraClient, createKafka, createRegistryClient, registerAvroSchema } from '@streamline/clients';
import { createIsolatedRun, lastJsonLine, repoRoot, runAppToEnd, startApp, stopApp, type AppProcess, type IsolatedRun, type ServingApp } from '@streamline/app-runner';
import { mapApiUser, usersCreatedSchema } from '@streamline/user-schema';
import { apiUserNumericPostcode } from '@streamline/user-schema/testing';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';

const config = testConnections();

/**
 * A new optional field on users_created, as a producer upgraded before the rest would write it:
 * the registry takes it (BACKWARD), the Spark job meets the new writer schema id, restarts its
 * query to learn it and reads on with its reader schema (the field is ignored, as designed: the
 * processed record and the table do not carry it until they are changed too), the writer stores
 * every user, and the old producer (the relay) keeps publishing beside it.
 */
describe('schema evolution end to end (real servers, all apps)', () => {
  const id = uniqueName('evolve');
  let run: IsolatedRun;
  let env: Record<string, string> = {};
  const logDir = join(repoRoot, '.stack', 'logs', 'e2e', id);
  const cassandra = createCassandraClient(config.cassandra);
  const apps = new Map<ServingApp, AppProcess>();
  const stored = async () => {
    try {
      return Number((await cassandra.execute(`SELECT count(*) FROM ${id}.created_users`)).first().get('count'));
    } catch {
      return 0;
    }
  };
  const ingest = (seed: string, count: number) =>
    lastJsonLine<{ staged: number }>(runAppToEnd('ingestor', ['--source', 'generator', '--seed', seed, '--count', String(count), '--json'], { env: { ...env, LOG_LEVEL: 'warn' } }), 'the ingestor');

  beforeAll(async () => {
    run = await createIsolatedRun(config, id);
    env = { ...run.env, LOG_LEVEL: 'info' };
    for (const name of ['relay', 'spark-launcher', 'cassandra-writer'] as const) apps.set(name, await startApp(name, { logDir, env }));
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((a) => stopApp(a)));
    await cassandra.shutdown();
    await run?.drop();
  });

  it('a new optional field with a default: accepted as BACKWARD, its users flow through Spark (which ignores the field) to Cassandra, the v1 producer carries on', { timeout: 600_000 }, async () => {
    expect(ingest('evolve-v1', 300)).toMatchObject({ staged: 300 });
    await waitFor(async () => (await stored()) === 300, { timeoutMs: 300_000, intervalMs: 1000, what: '300 v1 users stored' });

    const topic = env.TOPIC_USERS_CREATED!;
    const registry = createRegistryClient(config.registry);
    const v1 = usersCreatedSchema as unknown as { fields: object[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'nickname', type: ['null', 'string'], default: null, doc: 'added in v2' }] };
    const v2Id = await registerAvroSchema(registry, `${topic}-value`, v2);
    const serde = createAvroSerde<Record<string, unknown>>(registry, topic, { schemaId: v2Id });
    const users = Array.from({ length: 200 }, (_, i) => {
      const raw = { ...apiUserNumericPostcode, login: { ...apiUserNumericPostcode.login, uuid: randomUUID() }, email: `evolved${i}@example.com` };
      return { ...mapApiUser(raw, { source: 'generator', ingestRunId: 'evolve-v2' }), staged_at: Date.now(), nickname: `nick${i}` };
    });
    const producer = await connectProducer(createKafka(config.kafka));
    await producer.send({ topic, acks: -1, messages: await Promise.all(users.map(async (u) => ({ key: u.id, value: await serde.serialize(u) }))) });
    await producer.disconnect();

    await waitFor(async () => (await stored()) === 500, { timeoutMs: 300_000, intervalMs: 1000, what: 'the 200 v2 users stored too' });
    const sample = (await cassandra.execute(`SELECT email, first_name FROM ${id}.created_users WHERE id = ?`, [users[0]!.id], { prepare: true })).first();
    expect(sample.get('email')).toBe('evolved0@example.com');
    // The job learnt the new writer schema by restarting its query, not by sending them to the DLQ.
    // (Both modes log the same line: in Real-time Mode the id comes back from the failed task.)
    const restarts = readFileSync(apps.get('spark-launcher')!.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"restarting the query with new writer schemas"'))
      .map((line) => JSON.parse(line) as { schemaIds: number[] });
    expect(restarts.some((r) => r.schemaIds.includes(v2Id))).toBe(true);
    const admin = await connectAdmin(createKafka(config.kafka));
    const dead = (await admin.fetchTopicOffsets(env.TOPIC_USERS_DLQ!).catch(() => [])).reduce((sum, p) => sum + Number(p.high), 0);
    await admin.disconnect();
    expect(dead).toBe(0);

    // The relay, still on v1, keeps publishing under the evolved subject.
    expect(ingest('evolve-v1-again', 100)).toMatchObject({ staged: 100 });
    await waitFor(async () => (await stored()) === 600, { timeoutMs: 300_000, intervalMs: 1000, what: '600 users stored' });
  });
});
