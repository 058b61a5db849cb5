import { describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { loadSparkLauncherConfig } from './config.js';
import type { RegistryClient } from '@streamline/clients';
import { silentLogger } from '@streamline/runtime';
import { NotProvisionedError, PROVISIONED_BY } from '@streamline/provisioning';
import { prepareJob } from './prepare.js';
import { SourceSchemaMissingError, SparkSetupError, SparkSlotsBusyError } from './errors.js';

const jars = [
  'spark-sql-kafka-0-10_2.13-4.2.0.jar',
  'spark-token-provider-kafka-0-10_2.13-4.2.0.jar',
  'kafka-clients-3.9.2.jar',
  'commons-pool2-2.13.1.jar',
  'spark-avro_2.13-4.2.0.jar',
];

function fakes(options: { existingTopics?: string[]; sourceSchemaAfter?: number; sourcePartitions?: number; processedSubject?: boolean } = {}) {
  const created: Array<{ topic: string; numPartitions: number }> = [];
  const admin = {
    listTopics: async () => options.existingTopics ?? ['in', 'out', 'dlq'],
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({ name, partitions: Array.from({ length: options.sourcePartitions ?? 3 }, (_, partitionId) => ({ partitionId })) })),
    }),
    createTopics: async ({ topics }: { topics: Array<{ topic: string; numPartitions: number }> }) => {
      created.push(...topics.map(({ topic, numPartitions }) => ({ topic, numPartitions })));
      return true;
    },
  } as unknown as Admin;
  const registered: string[] = [];
  const idLookups: string[] = [];
  let lookups = 0;
  const registry = {
    updateCompatibility: async (subject: string) => registered.push(subject),
    register: async (subject: string) => registered.push(subject),
    getId: async (subject: string) => {
      idLookups.push(subject);
      if (options.processedSubject === false) throw Object.assign(new Error('Subject not found'), { status: 404 });
      return 42;
    },
    getLatestSchemaMetadata: async () => {
      if (++lookups <= (options.sourceSchemaAfter ?? 0)) throw Object.assign(new Error('Subject not found'), { status: 404 });
      return { id: 1 };
    },
  } as unknown as RegistryClient;
  return { admin, registry, created, registered, idLookups, lookups: () => lookups };
}

const config = loadSparkLauncherConfig({ SPARK_LAUNCHER_SOURCE_SCHEMA_WAIT_MS: '50' }, { createdTopic: 'in', processedTopic: 'out', dlqTopic: 'dlq' });
const deps = (f: ReturnType<typeof fakes>) => ({
  config,
  registry: f.registry,
  log: silentLogger(),
  withAdmin: <T>(fn: (admin: Admin) => Promise<T>) => fn(f.admin),
  canRun: () => true,
  listDir: () => jars,
  // A unit test never asks a real Spark master (the default reads its UI): one free 4-core worker.
  fetchWorkers: async () => [{ id: 'w', state: 'ALIVE', cores: 4, coresused: 0 }],
  pollMs: 5,
});

describe('prepareJob', () => {
  it('checks the provisioned topics and looks up the processed schema id, creating and registering nothing', async () => {
    const f = fakes();
    const prepared = await prepareJob(deps(f), new AbortController().signal);
    expect(f.idLookups).toEqual(['out-value']);
    expect(prepared.processedSchemaId).toBe(42);
    expect(prepared.jars).toHaveLength(5);
    expect(f.created).toEqual([]);
    expect(f.registered).toEqual([]);
  });

  it('fails in one line, creating nothing, when a topic or the processed subject was not provisioned', async () => {
    const noTopics = fakes({ existingTopics: ['in'] });
    const error = await prepareJob(deps(noTopics), new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotProvisionedError);
    expect((error as Error).message).toBe(`topics out, dlq missing: ${PROVISIONED_BY}`);
    expect(noTopics.created).toEqual([]);

    const noSubject = fakes({ processedSubject: false });
    await expect(prepareJob(deps(noSubject), new AbortController().signal)).rejects.toThrow(`schema registry subject out-value does not hold this app's schema: ${PROVISIONED_BY}`);
    expect(noSubject.registered).toEqual([]);
  });

  it('waits for the source schema, then gives up with a retriable error', async () => {
    const late = fakes({ sourceSchemaAfter: 2 });
    await prepareJob(deps(late), new AbortController().signal);
    expect(late.lookups()).toBe(3);

    const never = fakes({ sourceSchemaAfter: 1_000_000 });
    const error = await prepareJob(deps(never), new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceSchemaMissingError);
    expect((error as SourceSchemaMissingError).retriable).toBe(true);
    expect((error as Error).message).toBe('subject in-value has no registered schema yet (the stack provisions it: npm run stack -- up; stack-setup in compose)');
  });

  it('fails at once, naming the path, when spark-submit is missing', async () => {
    const f = fakes();
    const error = await prepareJob({ ...deps(f), canRun: (p) => !p.endsWith('spark-submit') }, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparkSetupError);
    expect((error as Error).message).toMatch(/^spark-submit \(SPARK_SUBMIT\) not found or not executable at .*\.stack\/venv\/bin\/spark-submit/);
    expect(f.created).toEqual([]);
  });

  describe('realtime mode', () => {
    const realtimeConfig = loadSparkLauncherConfig(
      { SPARK_LAUNCHER_SOURCE_SCHEMA_WAIT_MS: '50', SPARK_JOB_MODE: 'realtime' },
      { createdTopic: 'in', processedTopic: 'out', dlqTopic: 'dlq' },
    );
    const worker = (cores: number, coresused: number) => [{ id: 'w', state: 'ALIVE', cores, coresused }];
    const realtimeDeps = (f: ReturnType<typeof fakes>, workers: ReturnType<typeof worker> | null) => ({
      ...deps(f),
      config: realtimeConfig,
      fetchWorkers: async () => workers,
    });

    it('checks a task slot per source partition before spark-submit', async () => {
      await expect(prepareJob(realtimeDeps(fakes(), worker(4, 1)), new AbortController().signal)).resolves.toMatchObject({ processedSchemaId: 42 });
      const tooSmall = await prepareJob(realtimeDeps(fakes(), worker(2, 1)), new AbortController().signal).catch((e: unknown) => e);
      expect(tooSmall).toBeInstanceOf(SparkSetupError);
      expect((tooSmall as Error).message).toMatch(/^realtime mode needs 3 task slots at once \(one per partition of in\) but the Spark master/);
      const busy = await prepareJob(realtimeDeps(fakes(), worker(4, 2)), new AbortController().signal).catch((e: unknown) => e);
      expect(busy).toBeInstanceOf(SparkSlotsBusyError);
    });

    it('counts the partitions of the topic as it is, not as the launcher would create it', async () => {
      const error = await prepareJob(realtimeDeps(fakes({ sourcePartitions: 5 }), worker(8, 0)), new AbortController().signal).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/needs 5 task slots .* but SPARK_JOB_CORES_MAX=3/);
    });

    it('goes on when the master UI does not answer (the check is a courtesy, not a gate)', async () => {
      await expect(prepareJob(realtimeDeps(fakes(), null), new AbortController().signal)).resolves.toMatchObject({ processedSchemaId: 42 });
    });
  });
});
