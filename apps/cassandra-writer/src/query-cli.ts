// Prints stored users: `npx tsx apps/cassandra-writer/src/query-cli.ts --latest 10` or `--id <uuid> [--json]`.
// The same command is `cassandra-writer query ...` in the built app.
import { describeError } from '@streamline/runtime';
import { buildQueryCommand } from './query-command.js';

buildQueryCommand('cassandra-writer-query')
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    console.error(describeError(error));
    process.exit(1);
  });
