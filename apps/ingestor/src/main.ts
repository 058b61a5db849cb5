import { Command } from 'commander';
import { createPgPool } from '@streamline/clients/pg';
import { loadLogLevel } from '@streamline/config';
import { createDependencyRetry, createLogger, createShutdown, describeError, runApp } from '@streamline/runtime';
import { requireStaging, stagedCount } from '@streamline/staging';
import { createApiClient } from './api-client.js';
import { type IngestorConfig, type IngestorFlags, loadIngestorConfig } from './config.js';
import { parseFaultSpec } from './generator/faults.js';
import { runFollow } from './follow.js';
import { runIngest } from './ingest.js';
import { chooseSource, newRunId, newSeed } from './source.js';
import { createBatchStager, prepareStaging } from './stage-batch.js';
import { formatSummary, summaryJson } from './summary.js';

/** One line on stderr (and with --json one JSON line on stdout), then exit. */
function failAndExit(error: unknown, json: boolean, code = 1): never {
  const reason = describeError(error);
  if (json) console.log(JSON.stringify({ ok: false, error: reason }));
  console.error(`ingestor: ${reason}`);
  process.exit(code);
}

async function ingestCommand(flags: IngestorFlags & { json?: boolean; follow?: boolean }): Promise<void> {
  const { json = false, follow: followFlag = false, ...rest } = flags;
  let config: IngestorConfig;
  try {
    config = loadIngestorConfig(process.env, rest);
    parseFaultSpec(config.generator.faults);
  } catch (error) {
    failAndExit(error, json, 2);
  }
  const follow = followFlag || config.follow;
  const seed = config.seed ?? newSeed();
  const runId = config.runId ?? newRunId();
  // Logs on stderr: stdout carries only the summary (one JSON line with --json), printed last.
  await runApp(
    {
      name: 'ingestor',
      logLevel: config.logLevel,
      logDestination: 'stderr',
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      http: { ...config.http, anyPortWhenTaken: true },
      retry: { ...config.retry, maxOutageMs: config.outageTimeoutMs },
    },
    async (ctx) => {
      const { log, shutdown } = ctx;
      try {
        const choice = await chooseSource(config.source, config.apiUrl, config.probeTimeoutMs, log);
        let apiUrl = config.apiUrl;
        if (choice.source === 'generator') {
          const faults = parseFaultSpec(config.generator.faults);
          // Loaded only when used: faker costs ~0.3 CPU-s at every start otherwise.
          const { startGeneratorServer } = await import('./generator/server.js');
          const generator = shutdown.add('generator', await startGeneratorServer({ faults, log: log.child({ component: 'generator' }) }));
          apiUrl = generator.url;
        }
        log.info({ source: choice.source, apiUrl, seed, runId }, 'ingest configured');
        const pool = shutdown.add('pg', createPgPool(config.connections.pg, { max: config.maxInFlightBatches + 1, applicationName: 'ingestor' }));
        await ctx.retry('migrate staging', () => prepareStaging(pool, config.connections.pg), 'postgres');
        const client = shutdown.add(
          'api-client',
          createApiClient({
            baseUrl: apiUrl,
            timeoutMs: config.requestTimeoutMs,
            maxBodyBytes: config.maxBodyBytes,
            retries: config.retries,
            minDelayMs: config.retry.minDelayMs,
            maxDelayMs: config.retry.maxDelayMs,
            maxRetryAfterMs: config.maxRetryAfterMs,
            maxSockets: config.concurrency,
            log: log.child({ component: 'api-client' }),
            signal: ctx.signal,
          }),
        );
        // Not stopped by the shutdown signal: on a stop, what was fetched is still staged.
        const stagingRetry = createDependencyRetry({
          log: log.child({ component: 'staging' }),
          health: ctx.health,
          signal: new AbortController().signal,
          minDelayMs: config.retry.minDelayMs,
          maxDelayMs: config.retry.maxDelayMs,
          maxOutageMs: config.outageTimeoutMs,
        });
        const stage = createBatchStager(pool, { retry: stagingRetry });
        const metrics = ctx.metrics.stage('ingest', ['duplicate', 'rejected']);
        ctx.health.up('postgres');
        ctx.health.started();
        const deps = {
          fetchPage: (request: Parameters<typeof client.fetchPage>[0], signal?: AbortSignal) => client.fetchPage(request, signal),
          stage: async (batch: Parameters<typeof stage>[0]) => {
            const started = performance.now();
            const result = await stage(batch);
            metrics.recordsIn(batch.length);
            metrics.recordsOut(result.staged, 'ok');
            if (result.duplicates > 0) metrics.recordsOut(result.duplicates, 'duplicate');
            metrics.batch(batch.length, (performance.now() - started) / 1000);
            return result;
          },
          onRejected: () => metrics.recordsOut(1, 'rejected'),
          log,
          signal: ctx.signal,
        };
        const options = {
          count: config.count,
          batchSize: config.batchSize,
          concurrency: config.concurrency,
          maxInFlightBatches: config.maxInFlightBatches,
          resultsPerPage: config.resultsPerPage,
          seed,
          nat: config.nat,
          source: choice.source,
          runId,
        };
        // --follow: a round per tick, each an ordinary ingest under the same run id, until stopped.
        const rounds = log.child({ component: 'round' }, { level: 'warn' });
        const summary = follow
          ? await runFollow(
              { ingestRound: (count, roundSeed) => runIngest({ ...deps, log: rounds }, { ...options, count, seed: roundSeed, progressIntervalMs: 0 }), log, signal: ctx.signal },
              { rate: config.rate, roundSize: config.batchSize, tickMs: config.followTickMs, seed },
            )
          : await runIngest(deps, options);
        return { exitCode: summary.interrupted ? 130 : 0, output: json ? summaryJson(summary) : formatSummary(summary) };
      } catch (error) {
        // The one-line reason goes on stderr by the lifecycle; with --json, stdout says it too.
        if (json) console.log(JSON.stringify({ ok: false, error: describeError(error) }));
        throw error;
      }
    },
  );
}

async function serveGeneratorCommand(flags: Pick<IngestorFlags, 'host' | 'port' | 'faults'>): Promise<void> {
  let config: IngestorConfig;
  try {
    config = loadIngestorConfig(process.env, flags);
  } catch (error) {
    failAndExit(error, false, 2);
  }
  const log = createLogger('ingestor', { level: loadLogLevel(process.env) });
  const shutdown = createShutdown(log, { timeoutMs: config.shutdownTimeoutMs, signalExitCode: 0 });
  try {
    const faults = parseFaultSpec(config.generator.faults);
    const { startGeneratorServer } = await import('./generator/server.js');
    const server = shutdown.add('generator', await startGeneratorServer({ host: config.generator.host, port: config.generator.port, faults, log }));
    log.info({ url: server.url, faults }, 'generator serving');
    console.log(server.url);
  } catch (error) {
    await shutdown.run('failed');
    failAndExit(error, false);
  }
}

/** `staged --run-id R`: how many users run R staged, as one JSON line (what Airflow's check asks). Read-only: never migrates. */
async function stagedCommand(flags: { runId: string }): Promise<void> {
  let config: IngestorConfig;
  try {
    config = loadIngestorConfig(process.env, {});
  } catch (error) {
    failAndExit(error, true, 2);
  }
  const pool = createPgPool(config.connections.pg, { max: 1, applicationName: 'ingestor' });
  try {
    await requireStaging(pool);
    console.log(JSON.stringify({ runId: flags.runId, staged: await stagedCount(pool, flags.runId) }));
  } catch (error) {
    await pool.end().catch(() => undefined);
    failAndExit(error, true);
  }
  await pool.end();
}

const program = new Command('ingestor')
  .description('Fetches users from a randomuser.me-compatible API (or the offline generator) into PostgreSQL staging. See apps/ingestor/README.md.')
  .showHelpAfterError();

program
  .command('ingest', { isDefault: true })
  .description('fetch users and stage them (the default command); flags win over env')
  .option('--count <n>', 'users to fetch [INGESTOR_COUNT, 1000]')
  .option('--follow', 'stream users until Ctrl-C / SIGTERM instead of stopping after --count [INGESTOR_FOLLOW]')
  .option('--rate <n>', 'users per second while following [INGESTOR_RATE, 100]')
  .option('--batch-size <n>', 'users per staging transaction [INGESTOR_BATCH_SIZE, 1000]')
  .option('--concurrency <n>', 'pages fetched at once [INGESTOR_CONCURRENCY, 4]')
  .option('--max-in-flight <n>', 'staging transactions at once [INGESTOR_MAX_IN_FLIGHT_BATCHES, 2]')
  .option('--page-size <n>', 'results per request, max 5000 [INGESTOR_PAGE_SIZE, min(count, batch size)]')
  .option('--source <source>', 'api | generator | auto: the API if it answers a quick probe, else the generator [INGESTOR_SOURCE, auto]')
  .option('--seed <seed>', 'the same seed fetches the same users [INGESTOR_SEED, random and printed]')
  .option('--nat <codes>', 'nationalities, e.g. us,gb [INGESTOR_NAT, all]')
  .option('--api-url <url>', 'randomuser.me-compatible endpoint [RANDOMUSER_API_URL, https://randomuser.me/api/]')
  .option('--run-id <id>', 'stored with every user as ingest_run_id [INGESTOR_RUN_ID, generated]')
  .option('--faults <spec>', 'generator faults for tests, e.g. 503=0.2,429=0.1,bad=0.01,retry-after=1 [GENERATOR_FAULTS]')
  .option('--json', 'print the final summary as one JSON line on stdout')
  .action(ingestCommand);

program
  .command('serve-generator')
  .description('serve the offline generator as a randomuser.me-compatible API until stopped')
  .option('--host <host>', 'address to bind [GENERATOR_HOST, 127.0.0.1]')
  .option('--port <port>', 'port to bind, 0 for any free one [GENERATOR_PORT, 8089]')
  .option('--faults <spec>', 'faults to inject, e.g. 503=0.2,bad=0.01 [GENERATOR_FAULTS]')
  .action(serveGeneratorCommand);

program
  .command('staged')
  .description('print how many users a run staged, as one JSON line')
  .requiredOption('--run-id <id>', 'the run (ingest_run_id)')
  .action(stagedCommand);

await program.parseAsync();
