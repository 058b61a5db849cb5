import { availableParallelism } from 'node:os';
import type { SparkLauncherConfig } from './config.js';
import { SparkSetupError, SparkSlotsBusyError } from './errors.js';
import type { SparkWorkerInfo } from './spark-master.js';

/**
 * Real-time Mode runs one long-running task per source partition, all at once: with fewer task slots
 * the query does not fail, it waits ("no executor") or starves partitions. These checks turn that
 * into one line before spark-submit.
 */
export interface SlotCheck {
  /** Partitions of the source topic = task slots the query needs at once. */
  sourcePartitions: number;
  /** The alive workers of a `spark://` master; null when its UI did not answer (not checked then). */
  workers: SparkWorkerInfo[] | null;
  /** Cores of this machine, for `local[*]`. */
  localCores?: number;
}

const localThreads = (masterUrl: string, localCores: number): number | undefined => {
  const m = /^local(?:\[(\*|\d+)(?:,\d+)?\])?$/.exec(masterUrl);
  if (!m) return undefined;
  return m[1] === undefined ? 1 : m[1] === '*' ? localCores : Number(m[1]);
};

/** Throws SparkSetupError when the job's settings or the cluster can never fit, SparkSlotsBusyError when the cores are taken. */
export function checkRealtimeSlots(config: SparkLauncherConfig, check: SlotCheck): void {
  const { coresMax, executorCores, masterUrl, masterUiUrl } = { ...config.spark, masterUiUrl: config.connections.spark.masterUiUrl };
  const need = check.sourcePartitions;
  const what = `realtime mode needs ${need} task slots at once (one per partition of ${config.topics.created})`;
  const threads = localThreads(masterUrl, check.localCores ?? availableParallelism());
  if (threads !== undefined) {
    if (threads < need) throw new SparkSetupError(`${what} but ${masterUrl} runs ${threads}: use local[${need}] or a cluster`);
    return;
  }
  if (coresMax < need) throw new SparkSetupError(`${what} but SPARK_JOB_CORES_MAX=${coresMax}: set it to ${need} or more (or leave it unset)`);
  if (!check.workers) return;
  // Executors of executorCores each; a worker hosts as many as its cores allow.
  const slots = (cores: (w: SparkWorkerInfo) => number) => check.workers!.reduce((sum, w) => sum + Math.floor(cores(w) / executorCores) * executorCores, 0);
  const total = slots((w) => w.cores);
  const free = slots((w) => w.cores - w.coresused);
  const cores = check.workers.reduce((sum, w) => sum + w.cores, 0);
  const used = check.workers.reduce((sum, w) => sum + w.coresused, 0);
  const where = `the Spark master ${masterUiUrl} has ${check.workers.length} worker(s) with ${cores} cores (${used} in use), executors of ${executorCores} cores (SPARK_JOB_EXECUTOR_CORES)`;
  if (total < need) {
    throw new SparkSetupError(`${what} but ${where}: give the worker more cores (--cores, SPARK_WORKER_CORES for the local stack: cores are slots, more than the machine has is fine)`);
  }
  if (free < need) throw new SparkSlotsBusyError(`${what} but ${where}: ${free} free; waiting for other applications to release cores`);
}
