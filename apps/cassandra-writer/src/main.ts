import { Command } from 'commander';
import { connectAdmin, createKafka, fetchConsumerLag } from '@streamline/clients';
import { configOrExit, describeError, runApp } from '@streamline/runtime';
import { loadCassandraWriterConfig } from './config.js';
import { startWriterApp } from './writer-app.js';

const loadConfig = () => configOrExit('cassandra-writer', () => loadCassandraWriterConfig(process.env));

const program = new Command('cassandra-writer')
  .description('Consumes users_processed (Avro) and upserts the users into Cassandra (see apps/cassandra-writer/README.md).')
  .option('--migrate-only', 'apply the Cassandra migrations, then exit')
  .action(async (options: { migrateOnly?: boolean }) => {
    const config = loadConfig();
    const migrateOnly = options.migrateOnly ?? false;
    await runApp(
      { name: 'cassandra-writer', logLevel: config.logLevel, shutdownTimeoutMs: config.shutdownTimeoutMs, retry: config.retry, ...(migrateOnly ? {} : { http: config.http }) },
      async (ctx) => {
        const app = await startWriterApp(config, ctx.log, { migrateOnly, retry: ctx.retry, metrics: ctx.metrics, health: ctx.health });
        ctx.shutdown.add('writer', { close: app.stop });
        for (const dependency of ['cassandra', 'kafka', 'schema-registry']) ctx.health.up(dependency);
        ctx.health.started();
        await Promise.race([app.done, new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))]);
        await app.stop();
        await app.done;
      },
    );
  });
program
  .command('lag')
  .description("print the consumer group's lag on the processed topic as JSON ({total, partitions}) and exit")
  .action(async () => {
    const config = loadConfig();
    const admin = await connectAdmin(createKafka(config.connections.kafka));
    try {
      console.log(JSON.stringify(await fetchConsumerLag(admin, config.groupId, config.topic, config.fromBeginning)));
    } catch (error) {
      throw new Error(`cannot read the lag of group ${config.groupId} on ${config.topic}: ${describeError(error)}`);
    } finally {
      await admin.disconnect();
    }
  });

// A bad flag ends here: one line naming it, exit 1.
await program.parseAsync().catch((error: unknown) => {
  console.error(describeError(error));
  process.exit(1);
});
