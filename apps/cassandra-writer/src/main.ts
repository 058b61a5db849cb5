import { Command } from 'commander';
import { loadCassandraWriterConfig } from './config.js';
import { createLogger, createShutdown, describeError } from '@streamline/runtime';
import { connectAdmin, createKafka } from '@streamline/clients';
import { fetchConsumerLag } from './consumer-lag.js';
import { buildQueryCommand } from './query-command.js';
import { startWriterApp } from './writer-app.js';

const program = new Command('cassandra-writer')
  .description('Consumes users_processed (Avro) and upserts the users into Cassandra (see apps/cassandra-writer/README.md).')
  .option('--migrate-only', 'apply the Cassandra migrations, then exit')
  .action(async (options: { migrateOnly?: boolean }) => {
    const config = loadCassandraWriterConfig(process.env);
    const log = createLogger('cassandra-writer', { level: config.logLevel });
    const shutdown = createShutdown(log, config.shutdownTimeoutMs);
    try {
      const app = await startWriterApp(config, log, { migrateOnly: options.migrateOnly ?? false });
      shutdown.add('writer', { close: app.stop });
      await Promise.race([app.done, new Promise<void>((resolve) => shutdown.signal.addEventListener('abort', () => resolve()))]);
      await shutdown.run('done');
      await app.done;
      process.exit(0);
    } catch (error) {
      log.error({ err: describeError(error) }, 'cassandra-writer failed');
      await shutdown.run('error');
      process.exit(1);
    }
  });
program.addCommand(buildQueryCommand());
program
  .command('lag')
  .description("print the consumer group's lag on the processed topic as JSON ({total, partitions}) and exit")
  .action(async () => {
    const config = loadCassandraWriterConfig(process.env);
    const admin = await connectAdmin(createKafka(config.connections.kafka));
    try {
      console.log(JSON.stringify(await fetchConsumerLag(admin, config.groupId, config.topic, config.fromBeginning)));
    } catch (error) {
      throw new Error(`cannot read the lag of group ${config.groupId} on ${config.topic}: ${describeError(error)}`);
    } finally {
      await admin.disconnect();
    }
  });

// A bad setting (ConfigError) or flag ends here: one line naming it, exit 1.
await program.parseAsync().catch((error: unknown) => {
  console.error(describeError(error));
  process.exit(1);
});
