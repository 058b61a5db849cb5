import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Admin, Consumer, IHeaders, Producer } from 'kafkajs';
import { Compatibility, connectAdmin, connectConsumer, connectProducer, createAvroSerde, createKafka, createRegistryClient, readSchemaId, registerAvroSchema, registryHeaders } from '@streamline/clients';
import { ensureTopics } from '@streamline/provisioning';
import { createLogger } from '@streamline/runtime';
import { mapApiUser, usersCreatedSchema, type UserCreated, type UserProcessed } from '@streamline/user-schema';
import { apiUserNumericPostcode, apiUserTextPostcode } from '@streamline/user-schema/testing';
import { describeForStack, testConnections, uniqueName, waitFor } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';
import { loadSparkLauncherConfig } from '../src/config.js';
import { startLauncher, type LauncherRun } from '../src/launcher.js';
import type { LauncherStatus } from '../src/status.js';
import { describeStatus, readStatusFile } from '../src/status.js';
import { startPrivateSparkCluster, type PrivateSparkCluster } from './private-spark-cluster.js';

const header = (headers: IHeaders | undefined, key: string) => headers?.[key]?.toString();
const PARTITIONS = 3;
/** Confluent frame with a schema id no registry has: the job must send it to the DLQ, not stall. */
const UNREGISTERED_ID = 2_000_000_001;

interface Received {
  key: string | undefined;
  value: Buffer;
  headers: IHeaders | undefined;
  decoded?: UserProcessed;
}

// Real-time Mode needs a task slot per source partition (3) at once; the stack's worker is shared
// (and had 2 cores before its default became 4), so the job runs on a private master + worker.
describeForStack(['local', 'external'], 'spark-launcher + users stream job in Real-time Mode (real Kafka, registry, private Spark master)', 'spark-submit comes from the local stack\'s venv', () => {
  const connections = testConnections();
  const kafka = createKafka(connections.kafka);
  const registry = createRegistryClient(connections.registry);
  const topics = { created: uniqueName('it_rtm_created'), processed: uniqueName('it_rtm_processed'), dlq: uniqueName('it_rtm_dlq') };
  const workDir = mkdtempSync(join(tmpdir(), 'spark-launcher-rtm-it-'));
  const log = createLogger('spark-launcher-rtm-it', { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn', format: 'json' });
  const statuses: LauncherStatus[] = [];
  const timings: Record<string, number> = {};
  let cluster: PrivateSparkCluster | undefined;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer | undefined;
  let run: LauncherRun | undefined;
  let stop: AbortController | undefined;
  let serdeV1: ReturnType<typeof createAvroSerde<UserCreated>>;
  const processedSerde = createAvroSerde<UserProcessed>(registry, topics.processed);
  const processed: Received[] = [];
  const dlq: Received[] = [];

  const user = (api: object, overrides: Partial<UserCreated> = {}): UserCreated => ({
    ...mapApiUser(api, { source: 'api', ingestRunId: 'it-spark-rtm' }),
    staged_at: Date.now(),
    ...overrides,
  });
  const jennie = user({ ...apiUserNumericPostcode, email: '  Jennie.Nichols@Example.COM ' });
  const harvey = user(apiUserTextPostcode);
  const garbage = Buffer.from('not avro: no magic byte');

  const produce = async (messages: Array<{ key: string; value: Buffer }>) => {
    const acks = await producer.send({ topic: topics.created, acks: -1, messages });
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);
  };
  const totalMessages = async (topic: string) =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const distinct = <T>(values: T[]) => [...new Set(values)].sort();

  beforeAll(async () => {
    admin = await connectAdmin(kafka);
    await ensureTopics(admin, [{ topic: topics.created, numPartitions: PARTITIONS }]);
    // The rest as the stack provisions it (the source topic above has its own partition count).
    const { schemaIds } = await provisionForTest(connections, topics);
    const schemaId = schemaIds[`${topics.created}-value`]!;
    serdeV1 = createAvroSerde<UserCreated>(registry, topics.created, { schemaId });
    producer = await connectProducer(kafka);
    const started = Date.now();
    const base = loadSparkLauncherConfig(process.env);
    cluster = await startPrivateSparkCluster({ venv: dirname(dirname(base.spark.submitBin)), cores: 4, memory: '1g', workDir: join(workDir, 'spark') });
    timings.privateCluster = Date.now() - started;
  });

  afterAll(async () => {
    if (run) {
      stop?.abort();
      await run.done.catch(() => undefined);
    }
    await consumer?.disconnect();
    await producer?.disconnect();
    await cluster?.stop();
    await admin?.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin?.disconnect();
    for (const topic of [topics.created, topics.processed]) {
      await fetch(`${connections.registry.url}/subjects/${topic}-value`, { method: 'DELETE', headers: registryHeaders(connections.registry) }).catch(() => undefined);
    }
    rmSync(workDir, { recursive: true, force: true });
    console.info(`spark-launcher realtime integration timings (ms): ${JSON.stringify(timings)}`);
  });

  it('processes valid users, sends bad records to the DLQ with their reason, and restarts for a new writer schema', async () => {
    const config = {
      ...loadSparkLauncherConfig(
        {
          ...process.env,
          SPARK_JOB_MODE: 'realtime',
          SPARK_JOB_REALTIME_BATCH_DURATION: '5 seconds',
          SPARK_JOB_APP_NAME: 'it-users-stream-rtm',
          SPARK_LAUNCHER_STOP_TIMEOUT_MS: '30000',
          SPARK_LAUNCHER_MAX_RESTARTS: '1',
        },
        {
          master: cluster!.masterUrl,
          createdTopic: topics.created,
          processedTopic: topics.processed,
          dlqTopic: topics.dlq,
          checkpointDir: join(workDir, 'checkpoint'),
          statusFile: join(workDir, 'status.json'),
        },
      ),
      connections: { ...connections, spark: { masterUrl: cluster!.masterUrl, masterUiUrl: cluster!.masterUiUrl } },
    };
    expect(config.spark).toMatchObject({ coresMax: PARTITIONS, executorCores: PARTITIONS });

    await produce([
      ...(await Promise.all([jennie, harvey].map(async (u) => ({ key: u.id, value: await serdeV1.serialize(u) })))),
      { key: 'garbage-1', value: garbage },
    ]);

    stop = new AbortController();
    const started = Date.now();
    run = startLauncher(config, log, stop.signal, process.env, (status) => statuses.push(status));
    await waitFor(() => describeStatus(readStatusFile(config.statusFile)).running, { timeoutMs: 240_000, intervalMs: 250, what: 'the realtime query to start' });
    timings.startToRunning = Date.now() - started;

    consumer = await connectConsumer(kafka, { groupId: uniqueName('it_rtm_reader') });
    await consumer.subscribe({ topics: [topics.processed, topics.dlq], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const entry = { key: message.key?.toString(), value: message.value!, headers: message.headers };
        if (topic === topics.processed) processed.push({ ...entry, decoded: await processedSerde.deserialize(message.value!) });
        else dlq.push(entry);
      },
    });
    await waitFor(() => processed.length >= 2 && dlq.length >= 1, { timeoutMs: 180_000, intervalMs: 250, what: '2 processed records and 1 DLQ record' });
    timings.startToFirstOutput = Date.now() - started;

    const registered = await registry.getLatestSchemaMetadata(`${topics.processed}-value`);
    expect(distinct(processed.map((r) => r.decoded!.id))).toEqual(distinct([jennie.id, harvey.id]));
    for (const r of processed) {
      expect(r.key).toBe(r.decoded!.id);
      expect(readSchemaId(r.value)).toBe(registered.id);
    }
    expect(processed.find((r) => r.decoded!.id === jennie.id)!.decoded).toMatchObject({
      email: 'jennie.nichols@example.com',
      address: '8929 Valwood Pkwy, Billings, Michigan, United States',
      staged_at: jennie.staged_at,
    });
    const [bad] = dlq;
    expect(bad!.key).toBe('garbage-1');
    expect(bad!.value.equals(garbage)).toBe(true);
    expect(header(bad!.headers, 'dlq.reason')).toBe('unknown magic byte 110 (expected 0)');
    expect(header(bad!.headers, 'dlq.stage')).toBe('spark');
    expect(header(bad!.headers, 'dlq.topic')).toBe(topics.created);

    // The per-batch counts come from the RTM batches' progress (observe()), as "batch written" lines.
    await waitFor(() => statuses.some((s) => s.lastBatch && s.lastBatch.processed >= 1), { timeoutMs: 60_000, intervalMs: 250, what: 'a batch written line' });

    // A new BACKWARD version of users_created, registered while the query runs, and a frame whose id
    // no registry knows: the query fails on them before writing them, the driver asks the registry and
    // restarts from the checkpoint: the first is decoded, the second goes to the DLQ.
    const v1 = usersCreatedSchema as unknown as { fields: object[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'nickname', type: ['null', 'string'], default: null }] };
    const v2Id = await registerAvroSchema(registry, `${topics.created}-value`, v2, Compatibility.BACKWARD);
    const serdeV2 = createAvroSerde<Record<string, unknown>>(registry, topics.created, { schemaId: v2Id });
    const fresh = user(apiUserTextPostcode, { id: 'c1d2e3f4-0000-4000-8000-0000000000a2', email: 'V2@example.com' });
    const unregistered = Buffer.concat([Buffer.alloc(5), Buffer.from('body')]);
    unregistered.writeUInt32BE(UNREGISTERED_ID, 1);
    const changedAt = Date.now();
    await produce([
      { key: fresh.id, value: await serdeV2.serialize({ ...fresh, nickname: 'vee' }) },
      { key: 'unregistered-1', value: unregistered },
    ]);

    await waitFor(() => processed.some((r) => r.decoded!.id === fresh.id) && dlq.some((r) => r.key === 'unregistered-1'), {
      timeoutMs: 240_000,
      intervalMs: 250,
      what: 'the v2 user processed and the unregistered frame in the DLQ, after the restart',
    });
    timings.schemaChangeToOutput = Date.now() - changedAt;

    expect(processed.find((r) => r.decoded!.id === fresh.id)!.decoded).toMatchObject({ email: 'v2@example.com', id: fresh.id });
    const unregisteredDlq = dlq.find((r) => r.key === 'unregistered-1')!;
    expect(unregisteredDlq.value.equals(unregistered)).toBe(true);
    expect(header(unregisteredDlq.headers, 'dlq.reason')).toBe(`unknown schema id ${UNREGISTERED_ID}`);
    // The v2 user was decoded, never sent to the DLQ as unknown.
    expect(dlq.filter((r) => header(r.headers, 'dlq.reason')?.startsWith('unknown schema id') && r.key !== 'unregistered-1')).toEqual([]);

    // No dedupe in Real-time Mode: a batch that failed is read again from its start, so a record can
    // come out twice (Cassandra's upsert by id keeps one row). What counts: every record came out.
    expect(distinct(processed.map((r) => r.decoded!.id))).toEqual(distinct([jennie.id, harvey.id, fresh.id]));
    expect(distinct(dlq.map((r) => r.key))).toEqual(['garbage-1', 'unregistered-1']);
    const inTopics = { processed: await totalMessages(topics.processed), dlq: await totalMessages(topics.dlq) };
    timings.processedInTopic = inTopics.processed;
    timings.dlqInTopic = inTopics.dlq;
    expect(inTopics.processed).toBeGreaterThanOrEqual(3);
    expect(inTopics.dlq).toBeGreaterThanOrEqual(2);
    // The restart happened inside the driver: the launcher saw one job run, no crash.
    expect(describeStatus(readStatusFile(config.statusFile))).toMatchObject({ running: true, status: { restarts: 0 } });

    const stopping = Date.now();
    stop.abort();
    expect(await run.done).toBe('stopped');
    run = undefined;
    timings.stop = Date.now() - stopping;
    expect(readStatusFile(config.statusFile)).toMatchObject({ state: 'stopped', childPid: null, lastExit: { code: 0 } });
  }, 720_000);
});
