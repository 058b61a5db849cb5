import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Compatibility,
  connectAdmin,
  connectProducer,
  createAvroSerde,
  createCassandraClient,
  createKafka,
  createRegistryClient,
  registerAvroSchema,
  type CassandraClient,
} from '@streamline/clients';
import { createLogger, silentLogger } from '@streamline/runtime';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import { usersProcessedSchema, type UserProcessed } from '@streamline/user-schema';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { loadMigrations, migrateCassandra, MIGRATIONS_DIR, type MigrateOptions } from '../src/migrate.js';
import { startWriterApp, type WriterApp } from '../src/writer-app.js';
import { countRows, dropEverything, offsets, produceUsers, readRows, writerConfig, type TestNames } from './support.js';

const connections = testConnections();
const log = createLogger('schema-evolution-it', { level: 'warn', format: 'json' });

/** users_processed v2, as an upgraded Spark job would write it: v1 plus an optional field with a default. */
const v1 = usersProcessedSchema as unknown as { fields: object[] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'nickname', type: ['null', 'string'], default: null, doc: 'added in v2' }] };
type UserV2 = UserProcessed & { nickname: string | null };

/**
 * The processed side of issue 10's schema evolution, on the real registry, Kafka and Cassandra:
 * the writer (v1 reader schema) meets v2 messages beside v1 ones and stores them all, the field
 * ignored; then migration 004 (the designed way to adopt the field) adds its column to the table
 * that holds those rows, once, however many writers run it, while the v1 writer keeps writing.
 */
describe('schema evolution of users_processed (real registry, Kafka, Cassandra)', () => {
  const n: TestNames = {
    topic: uniqueName('it_evo_processed'),
    dlqTopic: uniqueName('it_evo_dlq'),
    groupId: uniqueName('it_evo_group'),
    keyspace: uniqueName('it_evo_ks'),
  };
  const kafka = createKafka(connections.kafka);
  const registry = createRegistryClient(connections.registry);
  // Separate clients (separate pools), like separate writer processes migrating at once.
  const clients: CassandraClient[] = [createCassandraClient(connections.cassandra), createCassandraClient(connections.cassandra)];
  const cassandra = clients[0]!;
  // Copies of the real migrations plus the 004 that adopts the field, so the repo's table is untouched.
  const dir = mkdtempSync(join(tmpdir(), 'cql-evolve-'));
  let admin: Admin;
  let app: WriterApp | undefined;
  let v1Id = 0;
  let v2Id = 0;
  const v1Users = makeProcessedUsers(150, { seed: 1010 });
  const v2Users: UserV2[] = makeProcessedUsers(120, { seed: 2020 }).map((u, i) => ({ ...u, nickname: i % 3 === 0 ? null : `nick${i}` }));

  const committed = async (total: number) => (await offsets(admin, n.groupId, n.topic)).reduce((sum, p) => sum + Math.max(p.committed, 0), 0) === total;
  const dlqCount = async () => (await admin.fetchTopicOffsets(n.dlqTopic)).reduce((sum, p) => sum + Number(p.high), 0);
  const produceV2 = async (users: readonly UserV2[]) => {
    const serde = createAvroSerde<UserV2>(registry, n.topic, { schemaId: v2Id });
    const producer = await connectProducer(kafka);
    try {
      await producer.send({ topic: n.topic, acks: -1, messages: await Promise.all(users.map(async (u) => ({ key: u.id, value: await serde.serialize(u) }))) });
    } finally {
      await producer.disconnect();
    }
  };
  const migrate = (client: CassandraClient, owner: string) =>
    migrateCassandra(client, {
      keyspace: n.keyspace,
      table: 'created_users',
      replication: { strategy: 'SimpleStrategy', factor: 1 },
      localDataCenter: connections.cassandra.localDataCenter,
      staleClaimMs: 2_000,
      log: silentLogger(),
      dir,
      owner,
    } satisfies MigrateOptions);
  const columnsOf = async () =>
    Object.fromEntries(
      (await cassandra.execute('SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [n.keyspace, 'created_users'], { prepare: true })).rows.map((r) => [
        r.get('column_name') as string,
        r.get('type') as string,
      ]),
    );

  beforeAll(async () => {
    admin = await connectAdmin(kafka);
    for (const m of loadMigrations()) copyFileSync(join(MIGRATIONS_DIR, m.name), join(dir, m.name));
    writeFileSync(
      join(dir, '004_add_nickname.cql'),
      // IF NOT EXISTS: a writer taking over a stale claim runs the statement again.
      '-- 004: adopt users_processed.nickname (v2).\nALTER TABLE {{keyspace}}.{{table}} ADD IF NOT EXISTS nickname text;\n',
    );
  });

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await dropEverything(admin, cassandra, n);
    await admin.disconnect();
    await Promise.all(clients.map((c) => c.shutdown()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('v2 messages (a new optional field, registered as BACKWARD) are stored beside v1 ones, the field ignored; none to the DLQ', async () => {
    // v1 users first, then v2 (an upgraded Spark job), then v1 again (a job not upgraded yet).
    v1Id = await produceUsers(kafka, admin, n, v1Users.slice(0, 100));
    v2Id = await registerAvroSchema(registry, `${n.topic}-value`, v2, Compatibility.BACKWARD);
    expect(v2Id).not.toBe(v1Id);
    expect(await registry.getCompatibility(`${n.topic}-value`)).toBe(Compatibility.BACKWARD);
    await produceV2(v2Users.slice(0, 100));
    await produceUsers(kafka, admin, n, v1Users.slice(100));

    app = await startWriterApp(writerConfig(n), log);
    await waitFor(() => committed(250), { timeoutMs: 90_000, intervalMs: 200, what: '250 messages committed' });
    expect(app.stats()).toMatchObject({ consumed: 250, dlq: 0 });
    expect(await dlqCount()).toBe(0);

    expect(await countRows(cassandra, n.keyspace)).toBe(250);
    const rows = await readRows(cassandra, n.keyspace);
    for (const want of [...v1Users, ...v2Users.slice(0, 100).map(({ nickname: _ignored, ...u }) => u)]) {
      const { stored_at, ...got } = rows.get(want.id)!;
      expect(got).toEqual(want);
      expect(stored_at).toBeGreaterThan(0);
    }
    // The table has no column for it yet: the field was dropped by the reader schema, not stored.
    expect(Object.keys(await columnsOf())).not.toContain('nickname');
  });

  it('a writer upgraded to v2 reads v1 messages with the default and v2 ones with their value', async () => {
    const [v1Bytes, v2Bytes] = await Promise.all([
      createAvroSerde<UserProcessed>(registry, n.topic, { schemaId: v1Id }).serialize(v1Users[0]!),
      createAvroSerde<UserV2>(registry, n.topic, { schemaId: v2Id }).serialize(v2Users[1]!),
    ]);
    const upgraded = createAvroSerde<UserV2>(registry, n.topic, { readerSchema: v2 as never });
    expect({ ...(await upgraded.deserialize(v1Bytes)) }).toEqual({ ...v1Users[0]!, nickname: null });
    expect({ ...(await upgraded.deserialize(v2Bytes)) }).toEqual(v2Users[1]!);
  });

  it('migration 004 adds the column to the table holding the rows: applied once by two writers at once, kept rows, a rerun is a no-op', async () => {
    const before = await readRows(cassandra, n.keyspace);
    expect(before.size).toBe(250);

    // Two writers (own pools, own owners) start with the new migration at the same moment.
    const results = await Promise.all(clients.map((c, i) => migrate(c, `writer-${i}`)));
    expect(results.flat()).toEqual(['004_add_nickname.cql']);
    const claim = (await cassandra.execute(`SELECT name, state, owner FROM ${n.keyspace}.schema_migrations WHERE version = 4`, [], { prepare: false })).first();
    expect(claim.get('state')).toBe('applied');
    expect(claim.get('owner')).toBe(results[0]!.length === 1 ? 'writer-0' : 'writer-1');
    expect((await cassandra.execute(`SELECT version FROM ${n.keyspace}.schema_migrations`, [], { prepare: false })).rows.map((r) => r.get('version') as number).sort()).toEqual([1, 2, 3, 4]);

    const columns = await columnsOf();
    expect(columns.nickname).toBe('text');
    expect(Object.keys(columns)).toHaveLength(20);
    // The rows stay, each as it was; the new column is empty for them.
    expect(await readRows(cassandra, n.keyspace)).toEqual(before);
    const nicknames = (await cassandra.execute(`SELECT nickname FROM ${n.keyspace}.created_users`, [], { prepare: false, fetchSize: 1000 })).rows.map((r) => r.get('nickname'));
    expect(nicknames).toHaveLength(250);
    expect(nicknames.every((v) => v === null)).toBe(true);

    // Again: nothing to do.
    expect(await migrate(clients[1]!, 'writer-late')).toEqual([]);

    // The v1 writer, still running, keeps storing v2 messages into the altered table (its INSERT
    // names its columns, so the new one stays empty until the mapping writes it).
    await produceV2(v2Users.slice(100));
    await waitFor(() => committed(270), { timeoutMs: 60_000, intervalMs: 200, what: '20 more v2 messages committed' });
    expect(await countRows(cassandra, n.keyspace)).toBe(270);
    expect(await dlqCount()).toBe(0);
  });

  it('a stale claim of 004 (its writer died after the ALTER) is taken over and the ALTER re-runs harmlessly', async () => {
    const dead = await cassandra.execute(
      `UPDATE ${n.keyspace}.schema_migrations SET state = 'applying', owner = 'dead-writer', claimed_at = ? WHERE version = 4 IF state = 'applied'`,
      [new Date(Date.now() - 60_000)],
      { prepare: true },
    );
    expect(dead.wasApplied()).toBe(true);
    expect(await migrate(clients[1]!, 'survivor')).toEqual(['004_add_nickname.cql']);
    const claim = (await cassandra.execute(`SELECT state, owner FROM ${n.keyspace}.schema_migrations WHERE version = 4`, [], { prepare: false })).first();
    expect([claim.get('state'), claim.get('owner')]).toEqual(['applied', 'survivor']);
    expect((await columnsOf()).nickname).toBe('text');
    expect(await countRows(cassandra, n.keyspace)).toBe(270);
  });
});
