import { join, dirname } from 'node:path';
import { connectAdmin, createKafka, createRegistryClient } from '@streamline/clients';
import type { SparkLauncherConfig } from './config.js';
import type { Logger, StallWatch } from '@streamline/runtime';
import { prepareJob } from './prepare.js';
import { launchSparkProcess } from './spark-process.js';
import { buildSparkSubmit } from './spark-submit-command.js';
import { createStatusFile, initialStatus, type LauncherStatus, type StatusFile } from './status.js';
import { superviseJob } from './supervisor.js';

export interface LauncherRun {
  status: StatusFile;
  /** Settles when the launcher stopped (after `signal` aborted) or gave up. */
  done: Promise<'stopped' | 'job-finished'>;
}

/**
 * The launcher's parts put together: status file, prepare (topics, schemas, jars), spark-submit
 * under supervision. `signal` stops it (the job finishes its batch in flight first).
 */
export function startLauncher(
  config: SparkLauncherConfig,
  log: Logger,
  signal: AbortSignal,
  baseEnv: NodeJS.ProcessEnv,
  /** Sees every status change (the app's metrics and /healthz). */
  onStatus: (status: LauncherStatus) => void = () => undefined,
  /** Hears of runs failing before the next micro-batch (see superviseJob). */
  stall?: StallWatch,
): LauncherRun {
  const status = createStatusFile(
    config.statusFile,
    initialStatus({ pid: process.pid, master: config.spark.masterUrl, appName: config.job.appName, topics: config.topics, checkpointDir: config.job.checkpointDir }),
  );
  const kafka = createKafka(config.connections.kafka, log);
  const registry = createRegistryClient(config.connections.registry);
  const stopFile = join(dirname(config.statusFile), `stop-${process.pid}`);
  const jobLog = log.child({ component: 'spark-job' });

  const done = superviseJob(
    {
      log: log.child({ component: 'supervisor' }),
      options: config.supervisor,
      status: (patch) => onStatus(status.update(patch)),
      ...(stall ? { stall } : {}),
      prepare: (abort) =>
        prepareJob(
          {
            config,
            registry,
            log: log.child({ component: 'prepare' }),
            withAdmin: async (fn) => {
              const admin = await connectAdmin(kafka);
              try {
                return await fn(admin);
              } finally {
                await admin.disconnect();
              }
            },
          },
          abort,
        ),
      launch: (prepared, events) => {
        const command = buildSparkSubmit(config, prepared.jars, { stopFile, supervisorPid: process.pid, processedSchemaId: prepared.processedSchemaId });
        log.debug({ command: command.command, args: command.args }, 'spark-submit command');
        return launchSparkProcess(command, { log: jobLog, stopFile, stopTimeoutMs: config.supervisor.stopTimeoutMs, events, baseEnv });
      },
    },
    signal,
  );
  return { status, done };
}
