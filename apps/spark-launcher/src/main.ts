import { Command } from 'commander';
import { configOrExit, createStallWatch, describeError, runApp } from '@streamline/runtime';
import { JOB_OPTIONS } from '@streamline/spark-job-contract';
import { loadSparkLauncherConfig, type SparkLauncherFlags } from './config.js';
import { jobFlagHelp } from './job-option-settings.js';
import { createLauncherObserver } from './launcher-metrics.js';
import { startLauncher } from './launcher.js';
import { describeStatus, readStatusFile } from './status.js';
import { fetchSparkApp } from './spark-master.js';

interface RunFlags extends SparkLauncherFlags {
  json?: boolean;
}

const withConfigFlags = (command: Command) =>
  command
    .option('--master <url>', 'Spark master (default SPARK_MASTER_URL, spark://127.0.0.1:7077)')
    .option('--local', 'run the job in-process with local[*] instead of on the cluster')
    .option('--created-topic <name>', 'source topic (default TOPIC_USERS_CREATED, users_created)')
    .option('--processed-topic <name>', 'output topic (default TOPIC_USERS_PROCESSED, users_processed)')
    .option('--dlq-topic <name>', 'dead-letter topic (default TOPIC_USERS_DLQ, users_dlq)')
    .option('--checkpoint-dir <path>', jobFlagHelp(JOB_OPTIONS.checkpointDir))
    .option('--starting-offsets <offsets>', jobFlagHelp(JOB_OPTIONS.startingOffsets))
    .option('--trigger-seconds <n>', jobFlagHelp(JOB_OPTIONS.triggerSeconds))
    .option('--status-file <path>', 'status file (default SPARK_LAUNCHER_STATUS_FILE, .stack/data/spark-launcher/status.json)');

const program = new Command('spark-launcher').description(
  'Submits the PySpark users stream (apps/spark-job) and keeps it running (see apps/spark-launcher/README.md).',
);

withConfigFlags(program.command('run', { isDefault: true }).description('prepare topics and schemas, submit the job, supervise it until SIGINT/SIGTERM')).action(
  async (flags: RunFlags) => {
    const config = configOrExit('spark-launcher', () => loadSparkLauncherConfig(process.env, flags));
    await runApp({ name: 'spark-launcher', logLevel: config.logLevel, shutdownTimeoutMs: config.shutdownTimeoutMs, http: config.http, retry: config.retry }, async (ctx) => {
      ctx.log.info({ master: config.spark.masterUrl, topics: config.topics, checkpointDir: config.job.checkpointDir, statusFile: config.statusFile }, 'spark-launcher starting');
      const { observe, stage } = createLauncherObserver(ctx.metrics, ctx.health);
      const stall = createStallWatch({ health: ctx.health, onFailure: () => stage.error('retry'), log: ctx.log, bound: config.stall });
      // The job finishes its batch in flight when the signal aborts, then the launcher returns.
      const run = startLauncher(config, ctx.log, ctx.signal, process.env, observe, stall);
      const outcome = await run.done;
      ctx.log.info({ outcome }, 'spark-launcher stopped');
    });
  },
);

program
  .command('status')
  .description('is the job running? exit 0 when it is, 3 when not (for Airflow and scripts)')
  .option('--json', 'print the full report as JSON')
  .option('--status-file <path>', 'status file (default SPARK_LAUNCHER_STATUS_FILE)')
  .action(async (flags: RunFlags) => {
    const config = configOrExit('spark-launcher', () => loadSparkLauncherConfig(process.env, flags));
    const report = describeStatus(readStatusFile(config.statusFile));
    const sparkApp = report.status?.applicationId ? await fetchSparkApp(config.connections.spark.masterUiUrl, report.status.applicationId) : null;
    if (flags.json) console.log(JSON.stringify({ ...report, sparkApp }, null, 2));
    else {
      const s = report.status;
      console.log(
        [
          `state: ${report.state}${report.running ? ' (running)' : ''}`,
          s && `launcher pid ${s.pid} ${report.launcherAlive ? 'alive' : 'gone'}, spark-submit pid ${s.childPid ?? '-'} ${report.childAlive ? 'alive' : ''}`.trim(),
          s && `restarts: ${s.restarts}, started_at: ${s.started_at}, application: ${s.applicationId ?? '-'}${sparkApp ? ` (${sparkApp.state} on the master)` : ''}`,
          s?.lastBatch && `last batch ${s.lastBatch.batch} at ${s.lastBatch.at}: ${s.lastBatch.processed} processed, ${s.lastBatch.dlq} to the DLQ`,
          s?.job &&
            `position on ${s.job.topic} (${s.job.query}): ${s.job.firstBatchRunning ? 'first batch running, ' : ''}${s.job.batch === null ? 'no batch committed' : `batch ${s.job.batch}`}${s.job.offsets ? `, ${Object.entries(s.job.offsets).map(([p, o]) => `${p}:${o}`).join(' ')}` : ''} at ${s.job.at}`,
          s?.error && `error: ${s.error}`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
    process.exit(report.running ? 0 : 3);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(describeError(error));
  process.exit(1);
});
