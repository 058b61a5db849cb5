import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Admin, Consumer, IHeaders, Producer } from 'kafkajs';
import { connectAdmin, connectConsumer, connectProducer, createAvroSerde, createKafka, createRegistryClient, readSchemaId, registryHeaders } from '@streamline/clients';
import { loadSparkLauncherConfig } from '../src/config.js';
import { createAppMetrics, createHealth, createLogger } from '@streamline/runtime';
import { readJobPosition, type JobPosition } from '@streamline/spark-job-contract';
import { createLauncherObserver } from '../src/launcher-metrics.js';
import { mapApiUser, type UserCreated, type UserProcessed } from '@streamline/user-schema';
import { apiUserNumericPostcode, apiUserTextPostcode } from '@streamline/user-schema/testing';
import { describeForStack, testConnections, uniqueName, waitFor } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';
import { startLauncher, type LauncherRun } from '../src/launcher.js';
import { describeStatus, readStatusFile } from '../src/status.js';

const DAY_MS = 86_400_000;

function ageOn(dobMs: number, today: Date): number {
  const dob = new Date(dobMs);
  const beforeBirthday =
    today.getUTCMonth() < dob.getUTCMonth() || (today.getUTCMonth() === dob.getUTCMonth() && today.getUTCDate() < dob.getUTCDate());
  return today.getUTCFullYear() - dob.getUTCFullYear() - (beforeBirthday ? 1 : 0);
}

const header = (headers: IHeaders | undefined, key: string) => headers?.[key]?.toString();

interface Received<T> {
  key: string | undefined;
  value: Buffer;
  headers: IHeaders | undefined;
  partition: number;
  offset: string;
  decoded?: T;
}

// spark-submit comes from the local stack's venv (.stack), and the Docker stack's Spark images
// (deploy/docker-compose.yml) run another Spark version than this pyspark: STACK=local or external only.
describeForStack(['local', 'external'], 'spark-launcher + users stream job in micro-batch mode (real Kafka, registry and Spark master)', 'spark-submit comes from the local stack\'s venv', () => {
  const connections = testConnections();
  const kafka = createKafka(connections.kafka);
  const registry = createRegistryClient(connections.registry);
  const topics = { created: uniqueName('it_spark_created'), processed: uniqueName('it_spark_processed'), dlq: uniqueName('it_spark_dlq') };
  const workDir = mkdtempSync(join(tmpdir(), 'spark-launcher-it-'));
  const log = createLogger('spark-launcher-it', { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn', format: 'json' });
  const config = {
    ...loadSparkLauncherConfig(
      // Micro-batch mode (not the default): its dedupe and batch writer are what this file tests.
      { ...process.env, SPARK_JOB_MODE: 'microbatch', SPARK_JOB_APP_NAME: 'it-users-stream', SPARK_LAUNCHER_STOP_TIMEOUT_MS: '30000' },
      {
        createdTopic: topics.created,
        processedTopic: topics.processed,
        dlqTopic: topics.dlq,
        checkpointDir: join(workDir, 'checkpoint'),
        statusFile: join(workDir, 'status.json'),
      },
    ),
    connections,
  };
  const timings: Record<string, number> = {};
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let serde: ReturnType<typeof createAvroSerde<UserCreated>>;
  const processedSerde = createAvroSerde<UserProcessed>(registry, topics.processed);
  const processed: Array<Received<UserProcessed>> = [];
  const dlq: Array<Received<never>> = [];
  let run: LauncherRun | undefined;
  let stop: AbortController | undefined;
  /** The launcher's /healthz as the app serves it (createLauncherObserver), and each job position it held, in order. */
  let health = createHealth();
  let positions: JobPosition[] = [];
  /** Where the first run's job stood when it stopped. */
  let firstRunEnd: JobPosition | null = null;

  const user = (api: object, overrides: Partial<UserCreated> = {}): UserCreated => ({
    ...mapApiUser(api, { source: 'api', ingestRunId: 'it-spark' }),
    staged_at: Date.now(),
    ...overrides,
  });
  const jennie = user({ ...apiUserNumericPostcode, email: '  Jennie.Nichols@Example.COM ' });
  const harvey = user(apiUserTextPostcode);
  const third = user(apiUserNumericPostcode, { id: 'c1d2e3f4-0000-4000-8000-000000000003', phone: '+44 20 7946 0958', cell: '015242-24680' });
  const garbage = Buffer.from('not avro: no magic byte');

  const produce = async (messages: Array<{ key: string; value: Buffer }>) => {
    const acks = await producer.send({ topic: topics.created, acks: -1, messages });
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);
  };
  const encode = async (users: UserCreated[]) => Promise.all(users.map(async (u) => ({ key: u.id, value: await serde.serialize(u) })));
  const totalMessages = async (topic: string) =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);

  /** The source topic's end offsets by partition: where a caught-up job stands. */
  const endOffsets = async () => Object.fromEntries((await admin.fetchTopicOffsets(topics.created)).map((p) => [String(p.partition), Number(p.high)]));
  const servedPosition = () => {
    const read = readJobPosition(JSON.parse(JSON.stringify(health.report())).details);
    return 'position' in read ? read.position : null;
  };

  const launch = async () => {
    stop = new AbortController();
    const started = Date.now();
    health = createHealth();
    positions = [];
    const { observe } = createLauncherObserver(createAppMetrics('spark-launcher-it'), health);
    run = startLauncher(config, log, stop.signal, process.env, (status) => {
      observe(status);
      if (status.job && status.job !== positions.at(-1)) positions.push(status.job);
    });
    await waitFor(() => describeStatus(readStatusFile(config.statusFile)).running, { timeoutMs: 150_000, intervalMs: 250, what: 'the query to start' });
    return Date.now() - started;
  };
  const shutdown = async () => {
    const started = Date.now();
    stop?.abort();
    const outcome = await run?.done;
    run = undefined;
    return { outcome, ms: Date.now() - started };
  };

  beforeAll(async () => {
    admin = await connectAdmin(kafka);
    // What the stack does before the apps start: the topics and their subjects.
    const { schemaIds } = await provisionForTest(connections, topics);
    const schemaId = schemaIds[`${topics.created}-value`]!;
    serde = createAvroSerde<UserCreated>(registry, topics.created, { schemaId });
    producer = await connectProducer(kafka);
  });

  afterAll(async () => {
    if (run) await shutdown();
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin?.disconnect();
    for (const topic of [topics.created, topics.processed]) {
      await fetch(`${connections.registry.url}/subjects/${topic}-value`, { method: 'DELETE', headers: registryHeaders(connections.registry) }).catch(() => undefined);
    }
    rmSync(workDir, { recursive: true, force: true });
    console.info(`spark-launcher integration timings (ms): ${JSON.stringify(timings)}`);
  });

  it('cleanses valid users into the processed topic, drops the duplicate, and sends garbage to the DLQ', async () => {
    await produce([...(await encode([jennie, harvey, third, jennie])), { key: 'garbage-1', value: garbage }]);

    timings.startToRunning = await launch();
    const started = Date.now() - timings.startToRunning;
    // The launcher created the other two topics; read them from the start.
    consumer = await connectConsumer(kafka, { groupId: uniqueName('it_spark_reader') });
    await consumer.subscribe({ topics: [topics.processed, topics.dlq], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const entry = { key: message.key?.toString(), value: message.value!, headers: message.headers, partition, offset: message.offset };
        if (topic === topics.processed) processed.push({ ...entry, decoded: await processedSerde.deserialize(message.value!) });
        else dlq.push(entry);
      },
    });

    await waitFor(() => processed.length >= 3 && dlq.length >= 1, { timeoutMs: 150_000, intervalMs: 250, what: '3 processed records and 1 DLQ record' });
    timings.startToFirstOutput = Date.now() - started;

    // One micro-batch wrote both topics: the duplicate was dropped, not delayed.
    expect(await totalMessages(topics.processed)).toBe(3);
    expect(await totalMessages(topics.dlq)).toBe(1);

    const registered = await registry.getLatestSchemaMetadata(`${topics.processed}-value`);
    const byId = new Map(processed.map((r) => [r.decoded!.id, r]));
    expect([...byId.keys()].sort()).toEqual([jennie.id, harvey.id, third.id].sort());
    for (const r of processed) {
      expect(r.key).toBe(r.decoded!.id);
      expect(readSchemaId(r.value)).toBe(registered.id);
    }

    const today = new Date();
    const j = byId.get(jennie.id)!.decoded!;
    expect(j).toEqual({
      id: '7a0eed16-9430-4d68-901f-c0d4c1c3bf00',
      first_name: 'Jennie',
      last_name: 'Nichols',
      gender: 'female',
      address: '8929 Valwood Pkwy, Billings, Michigan, United States',
      post_code: '63104',
      email: 'jennie.nichols@example.com',
      username: 'yellowpeacock117',
      dob: Math.floor(Date.parse('1992-03-08T00:00:00Z') / DAY_MS),
      age: ageOn(jennie.dob, today),
      registered_date: Date.parse('2007-07-09T05:51:59.390Z'),
      phone: '2727900888',
      cell: '4893302385',
      picture: 'https://randomuser.me/api/portraits/med/women/75.jpg',
      nationality: 'US',
      staged_at: jennie.staged_at,
      published_at: expect.any(Number),
      processed_at: expect.any(Number),
    });
    expect(j.processed_at).toBeGreaterThanOrEqual(started);
    expect(j.processed_at).toBeLessThanOrEqual(Date.now());
    // Its record's Kafka timestamp: set, and before the job processed it.
    expect(j.published_at).toBeGreaterThan(0);
    expect(j.published_at).toBeLessThanOrEqual(j.processed_at);

    const h = byId.get(harvey.id)!.decoded!;
    expect(h).toMatchObject({ id: 'b4c3f7a8-1e5e-4a6c-9c57-1f0e7b4c2d11', post_code: 'F7 2QJ', address: '4212 Church Road, Leeds, Cheshire, United Kingdom', nationality: 'GB' });
    expect(byId.get(third.id)!.decoded).toMatchObject({ phone: '+442079460958', cell: '01524224680' });

    const [bad] = dlq;
    expect(bad!.key).toBe('garbage-1');
    expect(bad!.value.equals(garbage)).toBe(true);
    expect(header(bad!.headers, 'dlq.reason')).toBe('unknown magic byte 110 (expected 0)');
    expect(header(bad!.headers, 'dlq.stage')).toBe('spark');
    expect(header(bad!.headers, 'dlq.topic')).toBe(topics.created);
    expect(Number(header(bad!.headers, 'dlq.partition'))).toBeGreaterThanOrEqual(0);
    expect(Number(header(bad!.headers, 'dlq.offset'))).toBeGreaterThanOrEqual(0);

    const status = describeStatus(readStatusFile(config.statusFile));
    expect(status).toMatchObject({ running: true, state: 'running', status: { restarts: 0, applicationId: expect.stringMatching(/^(app|local)-/) } });

    // The job's committed position, as /healthz serves it: a new checkpoint resumes from nothing,
    // then the batches' end offsets reach the topic's ends (5 records over 3 partitions).
    const ends = await endOffsets();
    expect(Object.values(ends).reduce((a, b) => a + b, 0)).toBe(5);
    await waitFor(async () => isDeepStrictEqual(servedPosition()?.offsets, ends), { timeoutMs: 30_000, intervalMs: 250, what: `the served position at ${JSON.stringify(ends)}` });
    expect(servedPosition()).toMatchObject({ mode: 'microbatch', query: 'cleanse', topic: topics.created, offsets: ends, batch: expect.any(Number), firstBatchRunning: false });
    expect(positions[0]).toMatchObject({ batch: null, offsets: null });
    firstRunEnd = servedPosition();

    const stopped = await shutdown();
    timings.stop = stopped.ms;
    expect(stopped.outcome).toBe('stopped');
    expect(readStatusFile(config.statusFile)).toMatchObject({ state: 'stopped', childPid: null, lastExit: { code: 0 } });
  });

  it('resumes from its checkpoint after a restart: only new records, duplicates of earlier ones dropped', async () => {
    const fourth = user(apiUserTextPostcode, { id: 'c1d2e3f4-0000-4000-8000-000000000004', email: 'FOURTH@example.com' });
    await produce(await encode([harvey, fourth]));

    timings.restartToRunning = await launch();
    const started = Date.now() - timings.restartToRunning;
    await waitFor(() => processed.some((r) => r.decoded!.id === fourth.id), { timeoutMs: 150_000, intervalMs: 250, what: 'the fourth user' });
    timings.restartToOutput = Date.now() - started;

    expect(processed.find((r) => r.decoded!.id === fourth.id)!.decoded!.email).toBe('fourth@example.com');
    // Nothing from before the restart came out again, and harvey's duplicate was dropped.
    expect(await totalMessages(topics.processed)).toBe(4);
    expect(await totalMessages(topics.dlq)).toBe(1);
    expect(processed.map((r) => r.decoded!.id).sort()).toEqual([jennie.id, harvey.id, third.id, fourth.id].sort());

    // It reported first where it resumed from: the first run's last commit, at the offsets served
    // then (a later no-data batch, which moves the dedupe's watermark, may have committed since).
    expect(positions[0]).toMatchObject({ offsets: firstRunEnd!.offsets, firstBatchRunning: false });
    expect(positions[0]!.batch).toBeGreaterThanOrEqual(firstRunEnd!.batch!);
    // Then it caught up with the topic's ends (7 records).
    const ends = await endOffsets();
    expect(Object.values(ends).reduce((a, b) => a + b, 0)).toBe(7);
    await waitFor(async () => isDeepStrictEqual(servedPosition()?.offsets, ends), { timeoutMs: 30_000, intervalMs: 250, what: `the served position at ${JSON.stringify(ends)}` });
    expect(servedPosition()!.batch).toBeGreaterThan(firstRunEnd!.batch!);

    const stopped = await shutdown();
    expect(stopped.outcome).toBe('stopped');
  });
});
