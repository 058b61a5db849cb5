import { accessSync, constants } from 'node:fs';
import type { Admin } from 'kafkajs';
import type { RegistryClient } from '@streamline/clients';
import { requireSchemaId, requireTopics, valueSubject } from '@streamline/provisioning';
import type { SparkLauncherConfig } from './config.js';
import { pollUntil, type Logger } from '@streamline/runtime';
import { usersProcessedSchema } from '@streamline/user-schema';
import { SourceSchemaMissingError, SparkSetupError } from './errors.js';
import { checkRealtimeSlots } from './realtime-slots.js';
import { fetchSparkWorkers, type SparkWorkerInfo } from './spark-master.js';
import { resolveConnectorJars } from './spark-submit-command.js';

export interface PreparedJob {
  jars: string[];
  processedSchemaId: number;
}

export interface PrepareDeps {
  config: SparkLauncherConfig;
  /** A connected admin; disconnected by the caller. */
  withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T>;
  registry: RegistryClient;
  log: Logger;
  /** File checks; real filesystem by default. */
  canRun?: (path: string) => boolean;
  listDir?: (dir: string) => string[];
  /** The master's alive workers (realtime mode checks its slots); its JSON by default. */
  fetchWorkers?: (masterUiUrl: string) => Promise<SparkWorkerInfo[] | null>;
  pollMs?: number;
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** 404 from the Confluent client (unknown subject), as opposed to an unreachable registry. */
const isNotFound = (error: unknown) => (error as { status?: unknown } | null)?.status === 404;

/**
 * What must hold before spark-submit: the programs and jars exist, the three topics exist and
 * users_processed-value holds the job's output schema (both provisioned by the stack, see
 * libs/provisioning: checked, never created here), and the source topic's subject exists (waited for).
 * Realtime mode: the cluster has a task slot per source partition (`checkRealtimeSlots`).
 */
export async function prepareJob(deps: PrepareDeps, signal: AbortSignal): Promise<PreparedJob> {
  const { config, log } = deps;
  const canRun = deps.canRun ?? executable;
  for (const [what, path] of [
    ['spark-submit (SPARK_SUBMIT)', config.spark.submitBin],
    ['python (PYSPARK_PYTHON)', config.spark.python],
  ] as const) {
    if (!canRun(path)) throw new SparkSetupError(`${what} not found or not executable at ${path} (run \`npm run stack -- up spark-master\`)`);
  }
  const jars = resolveConnectorJars(config.spark, deps.listDir);

  const { created, processed, dlq } = config.topics;
  await deps.withAdmin((admin) => requireTopics(admin, [created, processed, dlq]));
  if (config.job.mode === 'realtime') await checkSlots(deps);

  const processedSchemaId = await requireSchemaId(deps.registry, { subject: valueSubject(processed), schema: usersProcessedSchema });

  const subject = valueSubject(created);
  let logged = false;
  await pollUntil(
    async () => {
      try {
        await deps.registry.getLatestSchemaMetadata(subject);
        return true;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        if (!logged) log.info({ subject }, 'waiting for the source topic schema');
        logged = true;
        return false;
      }
    },
    { timeoutMs: config.supervisor.sourceSchemaWaitMs, intervalMs: deps.pollMs ?? 1000, what: `the schema of ${subject}`, signal, onTimeout: () => new SourceSchemaMissingError(subject) },
  );
  log.info({ processedSchemaId, subject: `${processed}-value`, jars: jars.length }, 'job prepared');
  return { jars, processedSchemaId };
}

async function checkSlots({ config, log, withAdmin, fetchWorkers = fetchSparkWorkers }: PrepareDeps): Promise<void> {
  const { created } = config.topics;
  const sourcePartitions = await withAdmin(async (admin) => (await admin.fetchTopicMetadata({ topics: [created] })).topics[0]?.partitions.length ?? 0);
  const cluster = config.spark.masterUrl.startsWith('spark://');
  const workers = cluster ? await fetchWorkers(config.connections.spark.masterUiUrl) : null;
  if (cluster && workers === null) log.warn({ masterUiUrl: config.connections.spark.masterUiUrl }, 'the Spark master UI does not answer: task slots for realtime mode not checked');
  checkRealtimeSlots(config, { sourcePartitions, workers });
  log.info({ sourcePartitions, coresMax: config.spark.coresMax, executorCores: config.spark.executorCores }, 'realtime mode: task slots available');
}
