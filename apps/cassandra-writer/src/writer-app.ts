import {
  connectAdmin,
  connectConsumer,
  connectProducer,
  createAvroSerde,
  createCassandraClient,
  createKafka,
  createRegistryClient,
  ensureTopics,
} from '@streamline/clients';
import type { CassandraWriterConfig } from './config.js';
import { describeError, type Logger } from '@streamline/runtime';
import { createBatchHandler, runCassandraWriter } from './cassandra-writer.js';
import { fetchConsumerLag, startProgressReporter, type LagReport } from './consumer-lag.js';
import { createDlqSink } from './dlq.js';
import { migrateCassandra } from './migrate.js';
import { createUserStore, type UserStore } from './user-store.js';
import { createWriterMetrics, type WriterStats } from './writer-metrics.js';

export interface WriterApp {
  stats(): WriterStats;
  lag(): Promise<LagReport>;
  /** Stop consuming, finish and commit the round in flight, disconnect Kafka, shut the Cassandra client down. */
  stop(): Promise<void>;
  /** Resolves after stop(); rejects when the consumer crashed for good. */
  readonly done: Promise<void>;
}

export interface WriterAppOptions {
  /** For tests (e.g. a crash right after a write, before its commit). */
  wrapStore?: (store: UserStore) => UserStore;
  /** Only apply the Cassandra migrations, then close (the `--migrate-only` flag). */
  migrateOnly?: boolean;
}

type Closer = { name: string; close: () => Promise<unknown> };

/** Builds the writer from config: topics, migrations, clients, consumer; returns once it is consuming. */
export async function startWriterApp(config: CassandraWriterConfig, log: Logger, options: WriterAppOptions = {}): Promise<WriterApp> {
  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const { name, close } of closers.splice(0).reverse()) {
      try {
        log.debug({ resource: name }, 'closing');
        await close();
      } catch (error) {
        log.warn({ resource: name, err: describeError(error) }, 'close failed');
      }
    }
  };
  try {
    const cassandra = createCassandraClient(config.connections.cassandra, { requestTimeoutMs: config.cassandra.requestTimeoutMs });
    closers.push({ name: 'cassandra', close: () => cassandra.shutdown() });
    const applied = await migrateCassandra(cassandra, {
      keyspace: config.cassandra.keyspace,
      table: config.cassandra.table,
      replication: config.cassandra.replication,
      localDataCenter: config.connections.cassandra.localDataCenter,
      staleClaimMs: config.cassandra.migrationWaitMs,
      log: log.child({ component: 'migrate' }),
    });
    log.info({ keyspace: config.cassandra.keyspace, table: config.cassandra.table, applied }, 'cassandra schema ready');
    const metrics = createWriterMetrics();
    if (options.migrateOnly) {
      await closeAll();
      return { stats: metrics.stats, lag: async () => ({ total: 0, partitions: [] }), stop: async () => undefined, done: Promise.resolve() };
    }

    const kafka = createKafka(config.connections.kafka, log);
    const admin = await connectAdmin(kafka);
    closers.push({ name: 'kafka-admin', close: () => admin.disconnect() });
    await ensureTopics(admin, [{ topic: config.topic }, { topic: config.dlqTopic }]);
    const producer = await connectProducer(kafka);
    closers.push({ name: 'dlq-producer', close: () => producer.disconnect() });
    // The client's request timeout bounds a hung lookup; decoding turns it into a retriable error.
    const registry = createRegistryClient(config.connections.registry, { timeoutMs: config.registryTimeoutMs });
    const baseStore = createUserStore(cassandra, { keyspace: config.cassandra.keyspace, table: config.cassandra.table, concurrency: config.concurrency, rowsPerRequest: config.rowsPerRequest });
    const handler = createBatchHandler({
      serde: createAvroSerde<unknown>(registry, config.topic),
      store: options.wrapStore ? options.wrapStore(baseStore) : baseStore,
      dlq: createDlqSink(producer, config.dlqTopic),
      metrics,
      log: log.child({ component: 'writer' }),
      batchSize: config.batchSize,
    });
    const consumer = await connectConsumer(kafka, {
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: config.heartbeatIntervalMs,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxWaitTimeInMs: config.fetchMaxWaitMs,
    });
    closers.push({ name: 'kafka-consumer', close: () => consumer.disconnect() });
    const lag = () => fetchConsumerLag(admin, config.groupId, config.topic, config.fromBeginning);
    const reporter = startProgressReporter({ log, intervalMs: config.reportIntervalMs, stats: metrics.stats, lag });
    closers.push({ name: 'reporter', close: async () => reporter.stop() });
    const writer = await runCassandraWriter({
      consumer,
      topic: config.topic,
      fromBeginning: config.fromBeginning,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      handler,
      log,
    });
    closers.push({ name: 'consumer-loop', close: () => writer.stop() });
    log.info(
      { topic: config.topic, groupId: config.groupId, dlqTopic: config.dlqTopic, batchSize: config.batchSize, concurrency: config.concurrency },
      'cassandra-writer consuming',
    );

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await closeAll();
        log.info(metrics.stats(), 'cassandra-writer stopped');
      })();
      return stopping;
    };
    // A crash kafkajs will not restart from leaves nothing to drain: release the clients.
    const done = writer.done.catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    done.catch(() => undefined);
    return { stats: metrics.stats, lag, stop, done };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
