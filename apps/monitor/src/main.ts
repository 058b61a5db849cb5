import { Command } from 'commander';
import { Histogram } from 'prom-client';
import { createCassandraClient, createKafka, createPgPool, createRegistryClient } from '@streamline/clients';
import { configOrExit, runApp } from '@streamline/runtime';
import { createAirflowClient } from './airflow-state.js';
import { loadMonitorConfig } from './config.js';
import { createDlqStore } from './dlq-store.js';
import { startDlqTail } from './dlq-tail.js';
import { findUser } from './find-user.js';
import { startLoop } from './loop.js';
import { createSampler } from './sampler.js';
import { defaultPublicDir, startMonitorServer } from './server.js';
import { registerSlotMetrics } from './slot-metrics.js';
import { createStoredTally } from './stored-rounds.js';

const program = new Command('monitor')
  .description('Live dashboard of the pipeline: the flow, Kafka, lag, schemas, latency, health, find a user, the DLQ (see apps/monitor/README.md).')
  .option('--port <port>', 'HTTP port of the page (default MONITOR_HTTP_PORT or 9400; 0: any free port)')
  .parse();
const flags = program.opts<{ port?: string }>();
const config = configOrExit('monitor', () => loadMonitorConfig(process.env, flags));

await runApp({ name: 'monitor', logLevel: config.logLevel, shutdownTimeoutMs: config.shutdownTimeoutMs, retry: config.retry }, async (ctx) => {
  const { log, shutdown } = ctx;
  // Small pools and clients: the monitor reads a few counts a second, on the pipeline's machine.
  const pg = shutdown.add('pg', createPgPool(config.connections.pg, { max: 3, applicationName: 'monitor', onIdleError: () => undefined }));
  // Searches get their own small pool with a statement timeout: they never hold the sampler's connections.
  const findPg = shutdown.add(
    'pg-find',
    createPgPool(config.connections.pg, { max: config.find.poolMax, applicationName: 'monitor-find', statementTimeoutMs: config.find.statementTimeoutMs, onIdleError: () => undefined }),
  );
  const kafka = createKafka(config.connections.kafka, log, { quiet: true });
  const admin = kafka.admin();
  shutdown.add('kafka-admin', { close: () => admin.disconnect() });
  await ctx.retry('connect to Kafka', () => admin.connect(), 'kafka');
  const cassandra = createCassandraClient(config.connections.cassandra, { requestTimeoutMs: 10_000 });
  shutdown.add('cassandra', { close: () => cassandra.shutdown() });
  const registry = createRegistryClient(config.connections.registry, { timeoutMs: 5_000 });
  const dlq = createDlqStore(config.dlqKeep, config.dlqKeepBytes);
  const tail = startDlqTail({ kafka, registry, topic: config.topics.dlq, store: dlq, log, retryMs: config.slowIntervalMs });
  shutdown.add('dlq-tail', tail);

  const sampler = createSampler({
    pg,
    admin,
    cassandra,
    stored: createStoredTally(cassandra, config.userTable.keyspace, config.userTable.table),
    dlq,
    dlqFollowing: tail.running,
    airflow: config.airflow ? createAirflowClient(config.airflow) : null,
    config,
  });
  registerSlotMetrics(ctx.metrics.registry, sampler.slots);
  const server = await startMonitorServer({
    host: config.http.host,
    port: config.http.port,
    portVariable: config.http.portVariable,
    publicDir: config.publicDir ?? defaultPublicDir(),
    log,
    registry: ctx.metrics.registry,
    health: ctx.health,
    state: sampler.state,
    points: sampler.points,
    find: (query) => findUser({ pg: findPg, admin, cassandra, dlq, createdTopic: config.topics.created, userTable: config.userTable, sparkPosition: sampler.sparkPosition }, query),
    dlq,
    allowedHosts: config.access.allowedHosts,
    token: config.access.token,
    live: config.live,
    findPerMinute: config.find.perMinute,
  });
  shutdown.add('http', server);

  const tickSeconds = new Histogram({
    name: 'streamline_monitor_tick_duration_seconds',
    help: 'Time to read every source once (fast: counts, offsets, metrics; slow: servers, registry, Airflow).',
    labelNames: ['tick'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [ctx.metrics.registry],
  });
  const timed = (tick: 'fast' | 'slow', run: () => Promise<void>) => async () => {
    const end = tickSeconds.startTimer({ tick });
    await run();
    end();
  };
  const fast = startLoop(timed('fast', async () => {
    await sampler.tick();
    server.broadcast();
  }), config.sampleIntervalMs, ctx.signal, log);
  // After the first fast tick: the clients' connections are open by then, so a cold connect is
  // not reported as a server that does not answer.
  await fast.first;
  const slow = startLoop(timed('slow', sampler.slowTick), config.slowIntervalMs, ctx.signal, log);
  ctx.health.details(() => ({ url: server.url, sourcesFailing: sampler.state().errors }));
  ctx.health.started();
  log.info({ url: server.url }, 'monitor listening');
  await Promise.all([fast.done, slow.done]);
});
