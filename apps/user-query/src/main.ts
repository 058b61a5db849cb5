// `npm run query -- --id <uuid> | --latest N [--json]`: the read side of the users table (the
// cassandra-writer is the write side). A one-shot command, read-only.
import { Command, InvalidArgumentError, Option } from 'commander';
import { createCassandraClient } from '@streamline/clients';
import { configOrExit, describeError, terminalSafeJson } from '@streamline/runtime';
import { loadUserQueryConfig } from './config.js';
import { findUserById, formatTable, latestUsers, toDisplay } from './user-query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseUuid(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError(`"${value}" is not a uuid`);
  return value.toLowerCase();
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive integer`);
  return n;
}

export interface QueryOptions {
  id?: string;
  latest?: number;
  scanLimit: number;
  json?: boolean;
}

const write = (text: string) => process.stdout.write(`${text}\n`);

/** Prints stored users from Cassandra (keyspace and table from CASSANDRA_KEYSPACE / CASSANDRA_TABLE). */
const program = new Command('user-query')
  .description('print stored users from Cassandra: one by id, or the latest N by stored_at (see apps/user-query/README.md)')
  .addOption(new Option('--id <uuid>', 'the user with this id').argParser(parseUuid).conflicts('latest'))
  .addOption(new Option('--latest <n>', 'the N latest by stored_at (from the writer\'s rounds table; else scans at most --scan-limit rows, see README)').argParser(parseCount))
  .addOption(new Option('--scan-limit <rows>', 'rows scanned for --latest when the rounds table holds too few').argParser(parseCount).default(10_000))
  .option('--json', 'print JSON instead of a table')
  .action(async (options: QueryOptions, command: Command) => {
    if (!options.id && !options.latest) command.error('error: give --id <uuid> or --latest <n>');
    const { cassandra, keyspace, table } = configOrExit('user-query', () => loadUserQueryConfig(process.env));
    const client = createCassandraClient(cassandra);
    try {
      if (options.id) {
        const user = await findUserById(client, keyspace, table, options.id);
        if (!user) {
          write(options.json ? 'null' : `no user ${options.id} in ${keyspace}.${table}`);
          process.exitCode = 1;
          return;
        }
        write(options.json ? terminalSafeJson(JSON.stringify(toDisplay(user), null, 2)) : formatTable([toDisplay(user)]));
        return;
      }
      const { users, scanned, complete, fromRounds } = await latestUsers(client, keyspace, table, options.latest!, options.scanLimit);
      if (options.json) write(terminalSafeJson(JSON.stringify(users.map(toDisplay), null, 2)));
      else {
        write(formatTable(users.map(toDisplay)));
        write(
          fromRounds
            ? `${users.length} latest, from the writer's newest rounds`
            : `${users.length} of ${scanned} rows scanned${complete ? '' : ` (scan limit reached: latest among the first ${scanned} in token order)`}`,
        );
      }
    } finally {
      await client.shutdown();
    }
  });

// A bad setting exits 2 (configOrExit); a bad flag or an unreachable Cassandra ends here: one line, exit 1.
await program.parseAsync().catch((error: unknown) => {
  console.error(`user-query: ${describeError(error)}`);
  process.exit(1);
});
