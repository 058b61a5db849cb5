import { Gauge } from 'prom-client';
import {
  connectAdmin,
  connectConsumer,
  connectProducer,
  createAvroSerde,
  createCassandraClient,
  createKafka,
  createRegistryClient,
} from '@streamline/clients';
import { type AppMetrics, createResources, createStallWatch, type DependencyRetry, type Health, type Logger } from '@streamline/runtime';
import { requireTopics } from '@streamline/provisioning';
import { createBatchHandler, runCassandraWriter } from './cassandra-writer.js';
import type { CassandraWriterConfig } from './config.js';
import { fetchConsumerLag, type LagReport } from '@streamline/clients';
import { startProgressReporter } from './progress-reporter.js';
import { createDlqSink } from './dlq.js';
import { migrateCassandra } from './migrate.js';
import { createUserStore, type UserStore } from './user-store.js';
import { createWriterMetrics, type WriterStats } from './writer-metrics.js';
import { usersProcessedSchema } from '@streamline/user-schema';

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
  /** The app lifecycle's outage retry for the start-up steps (default: none, a failure throws). */
  retry?: DependencyRetry;
  /** The app's Prometheus registry: rounds, latency and consumer lag are exported there. */
  metrics?: AppMetrics;
  /** The app's /healthz: a partition stalled past config.stall makes it degraded, naming the partition and offset. */
  health?: Pick<Health, 'stalled' | 'resumed'>;
}

/** Builds the writer from config: topics, migrations, clients, consumer; returns once it is consuming. */
export async function startWriterApp(config: CassandraWriterConfig, log: Logger, options: WriterAppOptions = {}): Promise<WriterApp> {
  const resources = createResources(log);
  const retry: DependencyRetry = options.retry ?? ((_what, fn) => fn());
  try {
    const cassandra = resources.add('cassandra', createCassandraClient(config.connections.cassandra, { requestTimeoutMs: config.cassandra.requestTimeoutMs }));
    const applied = await retry('apply the Cassandra migrations', () =>
      migrateCassandra(cassandra, {
        keyspace: config.cassandra.keyspace,
        table: config.cassandra.table,
        replication: config.cassandra.replication,
        localDataCenter: config.connections.cassandra.localDataCenter,
        staleClaimMs: config.cassandra.migrationWaitMs,
        log: log.child({ component: 'migrate' }),
      }),
      'cassandra',
    );
    log.info({ keyspace: config.cassandra.keyspace, table: config.cassandra.table, applied }, 'cassandra schema ready');
    const metrics = createWriterMetrics(Date.now, options.metrics);
    // streamline_errors_total{stage="write",kind="retry"}: each round that failed and will be tried again.
    const errorsOf = options.metrics?.stage('write', ['duplicate', 'dlq']);
    if (options.migrateOnly) {
      await resources.closeAll();
      return { stats: metrics.stats, lag: async () => ({ total: 0, partitions: [] }), stop: async () => undefined, done: Promise.resolve() };
    }

    const kafka = createKafka(config.connections.kafka, log);
    const admin = resources.add('kafka-admin', await retry('connect to Kafka', () => connectAdmin(kafka), 'kafka'));
    await retry('check the topics', () => requireTopics(admin, [config.topic, config.dlqTopic]), 'kafka');
    const producer = resources.add('dlq-producer', await retry('connect the DLQ producer', () => connectProducer(kafka), 'kafka'));
    // The client's request timeout bounds a hung lookup; decoding turns it into a retriable error.
    const registry = createRegistryClient(config.connections.registry, { timeoutMs: config.registryTimeoutMs });
    const baseStore = createUserStore(cassandra, { keyspace: config.cassandra.keyspace, table: config.cassandra.table, concurrency: config.concurrency, rowsPerRequest: config.rowsPerRequest });
    const handler = createBatchHandler({
      // Read with our own schema: a newer writer's extra fields are skipped, an older one's missing
      // fields take our defaults (Avro schema resolution), so either version decodes to our record.
      serde: createAvroSerde<unknown>(registry, config.topic, { readerSchema: usersProcessedSchema }),
      store: options.wrapStore ? options.wrapStore(baseStore) : baseStore,
      dlq: createDlqSink(producer, config.dlqTopic),
      metrics,
      log: log.child({ component: 'writer' }),
      batchSize: config.batchSize,
      stall: createStallWatch({
        health: options.health ?? { stalled: () => undefined, resumed: () => undefined },
        onFailure: () => errorsOf?.error('retry'),
        log,
        bound: config.stall,
      }),
    });
    const consumer = resources.add(
      'kafka-consumer',
      await retry('connect the consumer', () =>
        connectConsumer(kafka, {
          groupId: config.groupId,
          sessionTimeout: config.sessionTimeoutMs,
          heartbeatInterval: config.heartbeatIntervalMs,
          maxBytesPerPartition: config.maxBytesPerPartition,
          maxWaitTimeInMs: config.fetchMaxWaitMs,
        }),
        'kafka',
      ),
    );
    const lagGauge = options.metrics
      ? new Gauge({ name: 'streamline_consumer_lag_records', help: 'Records the consumer group has yet to commit, per partition.', labelNames: ['group', 'topic', 'partition'], registers: [options.metrics.registry] })
      : undefined;
    const lag = async () => {
      const report = await fetchConsumerLag(admin, config.groupId, config.topic, config.fromBeginning);
      for (const p of report.partitions) lagGauge?.set({ group: config.groupId, topic: config.topic, partition: String(p.partition) }, p.lag);
      return report;
    };
    const reporter = startProgressReporter({ log, intervalMs: config.reportIntervalMs, stats: metrics.stats, lag });
    resources.add('reporter', { close: () => reporter.stop() });
    const writer = await runCassandraWriter({
      consumer,
      topic: config.topic,
      fromBeginning: config.fromBeginning,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      handler,
      log,
    });
    // Closed first: the round in flight finishes and commits before the clients go.
    resources.add('consumer-loop', { close: () => writer.stop() });
    log.info(
      { topic: config.topic, groupId: config.groupId, dlqTopic: config.dlqTopic, batchSize: config.batchSize, concurrency: config.concurrency },
      'cassandra-writer consuming',
    );

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await resources.closeAll();
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
    await resources.closeAll();
    throw error;
  }
}
