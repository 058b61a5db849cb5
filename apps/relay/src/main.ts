import { Command } from 'commander';
import {
  Compatibility,
  connectAdmin,
  connectProducer,
  createAvroSerde,
  createKafka,
  createPgPool,
  createRegistryClient,
  ensureTopics,
  registerAvroSchema,
} from '@streamline/clients';
import { loadRelayConfig } from './config.js';
import { createLogger, createShutdown, describeError } from '@streamline/runtime';
import { migrateStaging, outboxLag } from '@streamline/staging';
import { usersCreatedSchema, type UserCreated } from '@streamline/user-schema';
import { startLagReporter } from './lag-reporter.js';
import { listenForOutbox } from './outbox-wakeup.js';
import { runRelay } from './relay.js';

const program = new Command('relay')
  .description('Transactional-outbox relay: publishes staged users from PostgreSQL to Kafka in Avro (see apps/relay/README.md).')
  .option('--once', 'publish what the outbox holds, then exit')
  .option('--lag', 'print the outbox lag as JSON and exit')
  .parse();
const options = program.opts<{ once?: boolean; lag?: boolean }>();

const config = loadRelayConfig(process.env);
// With --lag, stdout carries only the JSON answer; the logs go to stderr.
const log = createLogger('relay', { level: config.logLevel, ...(options.lag ? { destination: 'stderr' as const } : {}) });
const shutdown = createShutdown(log, config.shutdownTimeoutMs);

async function main(): Promise<void> {
  const pool = shutdown.add('pg', createPgPool(config.connections.pg, { applicationName: 'relay' }));
  await migrateStaging(pool);
  if (options.lag) {
    console.log(JSON.stringify(await outboxLag(pool)));
    return;
  }
  const kafka = createKafka(config.connections.kafka, log);
  const admin = await connectAdmin(kafka);
  await ensureTopics(admin, [{ topic: config.topic }]);
  await admin.disconnect();
  const registry = createRegistryClient(config.connections.registry);
  const schemaId = await registerAvroSchema(registry, `${config.topic}-value`, usersCreatedSchema, Compatibility.BACKWARD);
  const producer = shutdown.add('kafka', await connectProducer(kafka));
  const wakeup = shutdown.add('listener', await listenForOutbox(config.connections.pg, log));
  let published = 0;
  const lag = startLagReporter(pool, log, config.lagReportIntervalMs, () => published);
  shutdown.add('lag-reporter', { close: lag.stop });
  log.info({ topic: config.topic, schemaId, batchSize: config.batchSize }, 'relay started');
  const loop = runRelay({
    pool,
    producer,
    serde: createAvroSerde<UserCreated>(registry, config.topic, { schemaId }),
    wakeup,
    log,
    signal: shutdown.signal,
    topic: config.topic,
    batchSize: config.batchSize,
    pollIntervalMs: config.pollIntervalMs,
    once: options.once ?? false,
    onPublished: (n) => (published += n),
  });
  // Closed first on shutdown: the batch in flight finishes (and commits) before clients close.
  shutdown.add('relay-loop', { close: () => loop.catch(() => undefined) });
  await loop;
  log.info({ published }, 'relay stopped');
}

main()
  .then(() => shutdown.run('done'))
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    log.error({ err: describeError(error) }, 'relay failed');
    await shutdown.run('error');
    process.exit(1);
  });
