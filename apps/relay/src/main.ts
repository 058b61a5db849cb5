import { Command } from 'commander';
import { Counter, Gauge } from 'prom-client';
import {
  connectAdmin,
  connectProducer,
  createAvroSerde,
  createKafka,
  createPgPool,
  createRegistryClient,
  topicMaxMessageBytes,
} from '@streamline/clients';
import { requireSchemaId, requireTopics, valueSubject } from '@streamline/provisioning';
import { configOrExit, createStallWatch, describeError, runApp } from '@streamline/runtime';
import {
  dropOutboxSlot,
  emitOutboxMarker,
  ensureOutboxSlot,
  listenForOutbox,
  markCaughtUp,
  migrateStaging,
  OUTBOX_MARKER_PREFIX,
  openOutboxStream,
  outboxLag,
  readWalPosition,
  recordWalPosition,
  replayStagedUsers,
  requeueDeadLetters,
  requireStaging,
} from '@streamline/staging';
import { mapApiUser, usersCreatedSchema, type UserCreated, type UserSource } from '@streamline/user-schema';
import { loadRelayConfig } from './config.js';
import { replayFilter } from './replay-filter.js';
import { startLagReporter } from './lag-reporter.js';
import { startOutboxRetention } from './outbox-retention.js';
import { runRelay } from './relay.js';
import { runWalRelay } from './wal-relay.js';

const program = new Command('relay')
  .description('Transactional-outbox relay: publishes staged users from PostgreSQL to Kafka in Avro (see apps/relay/README.md).')
  .option('--once', 'publish what the outbox holds, then exit')
  .option('--lag', 'print the outbox lag and the rows set aside as JSON, and exit (read-only)')
  .option('--requeue-dead-letters', 'move the rows set aside in outbox_dead_letters back into the outbox (after a fix), and exit')
  .option('--drop-slot', 'drop the replication slot of RELAY_SOURCE=wal (RELAY_SLOT), and exit')
  .option('--replay', 'send staged users through the pipeline again (npm run replay), with --run-id or --since, and exit')
  .option('--run-id <id>', 'with --replay: the users that ingest run fetched')
  .option('--since <time>', 'with --replay: the users staged since this ISO time, e.g. 2026-12-01T10:00:00Z')
  .parse();
const options = program.opts<{ once?: boolean; lag?: boolean; requeueDeadLetters?: boolean; dropSlot?: boolean; replay?: boolean; runId?: string; since?: string }>();

const config = configOrExit('relay', () => loadRelayConfig(process.env));

/** `--lag`, `--requeue-dead-letters`, `--drop-slot`: they never migrate; a database without staging says so in one line. */
async function outboxCommand(command: 'lag' | 'requeue' | 'drop-slot'): Promise<void> {
  const pool = createPgPool(config.connections.pg, { max: 1, applicationName: `relay-${command}` });
  try {
    if (command === 'drop-slot') {
      // One line: whether there was a slot to drop. Its recorded position stays (the rows up to it were published).
      console.log(JSON.stringify({ slot: config.slot, dropped: await dropOutboxSlot(pool, config.slot) }));
      return;
    }
    await requireStaging(pool);
    console.log(JSON.stringify(command === 'lag' ? await outboxLag(pool, config.source === 'wal' ? { slot: config.slot } : {}) : { requeued: await requeueDeadLetters(pool) }));
  } catch (error) {
    console.error(`relay: ${describeError(error)}`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

/** `--replay`: staged users back into the outbox, from the raw JSON kept in staging (a fixed mapper applies). */
async function replayCommand(): Promise<void> {
  let filter: ReturnType<typeof replayFilter>;
  try {
    filter = replayFilter(options);
  } catch (error) {
    console.error(`relay: ${describeError(error)}`);
    process.exitCode = 1;
    return;
  }
  const pool = createPgPool(config.connections.pg, { max: 2, applicationName: 'relay-replay' });
  try {
    await requireStaging(pool);
    const replayed = await replayStagedUsers(
      pool,
      filter,
      (user) => {
        try {
          return mapApiUser(user.raw, { source: user.source as UserSource, ingestRunId: user.ingestRunId });
        } catch (error) {
          throw new Error(`staged user ${user.id} no longer maps to a record: ${describeError(error)}`, { cause: error });
        }
      },
      { batchSize: config.batchSize, onBatch: (n) => process.stderr.write(`relay: replay: ${n} users back in the outbox\n`) },
    );
    console.log(JSON.stringify({ replayed, ...(filter.runId ? { runId: filter.runId } : { since: filter.since!.toISOString() }) }));
  } catch (error) {
    console.error(`relay: ${describeError(error)}`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

if (options.replay) await replayCommand();
else if (options.lag) await outboxCommand('lag');
else if (options.requeueDeadLetters) await outboxCommand('requeue');
else if (options.dropSlot) await outboxCommand('drop-slot');
else
  await runApp({ name: 'relay', logLevel: config.logLevel, shutdownTimeoutMs: config.shutdownTimeoutMs, http: config.http, retry: config.retry }, async (ctx) => {
    const { log, shutdown, retry } = ctx;
    const pool = shutdown.add('pg', createPgPool(config.connections.pg, { applicationName: 'relay' }));
    await retry('migrate staging', () => migrateStaging(pool), 'postgres');
    const topics = [...new Set(config.routes.values())];
    const kafka = createKafka(config.connections.kafka, log);
    // The least max.message.bytes of the routed topics bounds every request (each partition's batch in it).
    const maxRequestBytes = await retry('check the topics', async () => {
      const admin = await connectAdmin(kafka);
      try {
        await requireTopics(admin, topics);
        const limits = await Promise.all(topics.map((topic) => topicMaxMessageBytes(admin, topic)));
        return Math.min(config.maxRequestBytes, ...limits);
      } finally {
        await admin.disconnect();
      }
    }, 'kafka');
    const registry = createRegistryClient(config.connections.registry);
    const serdes = new Map<string, ReturnType<typeof createAvroSerde<UserCreated>>>();
    for (const topic of topics) {
      const schemaId = await retry('look up the schema', () => requireSchemaId(registry, { subject: valueSubject(topic), schema: usersCreatedSchema }), 'schema-registry');
      serdes.set(topic, createAvroSerde<UserCreated>(registry, topic, { schemaId }));
    }
    const producer = shutdown.add('kafka', await retry('connect to Kafka', () => connectProducer(kafka), 'kafka'));
    const names = { slot: config.slot, publication: config.publication };
    if (config.source === 'wal') {
      const slot = await retry('make the replication slot', () => ensureOutboxSlot(pool, names), 'postgres');
      log.info({ ...names, created: slot.created }, 'outbox replication slot ready');
    }
    // The WAL source needs no NOTIFY (its catch-up drains once and never waits).
    const wakeup =
      config.source === 'poll'
        ? shutdown.add('listener', await retry('listen for the outbox', () => listenForOutbox(config.connections.pg, log), 'postgres'))
        : { wait: async () => 'timeout' as const };

    const stage = ctx.metrics.stage('relay', ['dead_letter']);
    const unpublished = new Gauge({ name: 'streamline_outbox_unpublished_records', help: 'Outbox rows not published yet.', registers: [ctx.metrics.registry] });
    const oldest = new Gauge({ name: 'streamline_outbox_oldest_unpublished_age_seconds', help: 'Age of the oldest unpublished outbox row (0: none).', registers: [ctx.metrics.registry] });
    const deadLetters = new Gauge({ name: 'streamline_outbox_dead_letter_records', help: 'Outbox rows set aside in outbox_dead_letters (no route, or a payload the schema cannot encode).', registers: [ctx.metrics.registry] });
    const pruned = new Counter({ name: 'streamline_outbox_pruned_records_total', help: 'Published outbox rows removed past their retention.', registers: [ctx.metrics.registry] });
    const slotLag =
      config.source === 'wal'
        ? new Gauge({ name: 'streamline_relay_slot_lag_bytes', help: 'WAL the relay\'s replication slot holds back from the server\'s current position (a slot that falls behind fills the disk).', registers: [ctx.metrics.registry] })
        : undefined;
    let published = 0;
    const lag = startLagReporter(
      pool,
      log,
      config.lagReportIntervalMs,
      () => published,
      (l) => {
        unpublished.set(l.unpublished);
        oldest.set((l.oldestAgeMs ?? 0) / 1000);
        deadLetters.set(l.deadLetters);
        if (l.slot) slotLag?.set(l.slot.lagBytes);
      },
      config.source === 'wal' ? config.slot : undefined,
    );
    shutdown.add('lag-reporter', { close: lag.stop });
    const retention = startOutboxRetention(pool, log, {
      retentionMs: config.outboxRetentionMs,
      intervalMs: config.outboxPruneIntervalMs,
      batchSize: config.outboxPruneBatch,
      onPruned: (n) => pruned.inc(n),
    });
    shutdown.add('outbox-retention', { close: retention.stop });
    for (const dependency of ['postgres', 'kafka', 'schema-registry']) ctx.health.up(dependency);
    ctx.health.started();
    log.info({ source: config.source, routes: Object.fromEntries(config.routes), batchSize: config.batchSize, maxRequestBytes }, 'relay started');
    const polling = {
      pool,
      producer,
      serdes,
      routes: config.routes,
      wakeup,
      log,
      signal: ctx.signal,
      retry,
      metrics: stage,
      maxRequestBytes,
      // streamline_errors_total{stage="relay",kind="retry"}: each publish rolled back to be tried again on the same rows.
      stall: createStallWatch({ health: ctx.health, onFailure: () => stage.error('retry'), log, bound: config.stall }),
      batchSize: config.batchSize,
      pollIntervalMs: config.pollIntervalMs,
      once: options.once ?? false,
      onPublished: (n: number) => (published += n),
    };
    if (config.source === 'poll') published = await runRelay(polling);
    else {
      published = await runWalRelay({
        ...polling,
        openStream: (startLsn) => openOutboxStream(config.connections.pg, names, log, { highWaterRows: config.batchSize * 4, startLsn }),
        store: {
          read: () => readWalPosition(pool, config.slot),
          record: (position, setAside) => recordWalPosition(pool, { slot: config.slot, ...position }, setAside),
          markCaughtUp: () => markCaughtUp(pool, config.slot),
          emitMarker: async (content) => void (await emitOutboxMarker(pool, OUTBOX_MARKER_PREFIX, content)),
        },
        // The rows committed before the slot existed: the polling path, once (it marks them published).
        catchUp: () => runRelay({ ...polling, once: true, onPublished: undefined }),
        idleWaitMs: config.pollIntervalMs,
      });
    }
    log.info({ published }, 'relay stopped');
  });
