#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadStackConfig } from './config.js';
import { readStackCredentials } from '@streamline/config';
import { describeError, terminalSafeLines } from '@streamline/runtime';
import { ensureStackCredentials } from './credentials.js';
import { createStack } from './stack.js';
import { createCassandraClient } from '@streamline/clients';
import { stackPaths } from './paths.js';
import type { LaunchSpec } from './processes.js';
import { createReporter } from './reporter.js';
import { renderTop, type TopState } from './top-view.js';
import { airflowCommand, KAFKA_TOOLS, kafkaToolCommand, type KafkaTool } from './tool-commands.js';
import { renderStatusTable } from './status-table.js';

const program = new Command('stack')
  .description('The local stack: real PostgreSQL, Kafka, schema registry, Cassandra and Spark as local processes (no Docker).')
  .showHelpAfterError();

const stack = () => createStack(loadStackConfig(process.env));

program
  .command('up')
  .description('install what is missing (first use), start the servers and the pipeline apps (relay, Spark job, writer, monitor) and wait until each really serves')
  .argument('[components...]', 'only these (and what they depend on)')
  .option('--no-apps', 'the servers only, not the pipeline apps')
  .action(async (names: string[], options: { apps: boolean }) => {
    // Before the config is read: the servers and every client take their passwords from it.
    const { file, created, credentials } = ensureStackCredentials(process.env);
    if (created) console.error(`stack: generated the stack's credentials in ${file} (mode 600)`);
    const rows = await stack().up(names, { apps: options.apps });
    console.log(renderStatusTable(rows));
    const monitor = rows.find((r) => r.name === 'monitor' && r.url);
    // The token is the Basic-auth password (any user name) the monitor asks for beyond loopback.
    if (monitor) console.log(`\nmonitor: ${monitor.url}${credentials.monitor ? ` (token: ${credentials.monitor.token}, asked for beyond loopback)` : ''}`);
  });

program
  .command('install')
  .description('install components without starting them (first use downloads them)')
  .argument('<components...>', 'e.g. spark-master: the pyspark venv and the Spark connectors')
  .action(async (names: string[]) => stack().install(names));

program
  .command('down')
  .description('stop the servers cleanly (data is kept)')
  .argument('[components...]', 'only these')
  .action(async (names: string[]) => stack().down(names));

program
  .command('status')
  .description('each component with its pid, port and health')
  .option('--json', 'print JSON (name, port, pid, health, ...) instead of a table')
  .action(async (options: { json?: boolean }) => {
    const rows = await stack().status();
    console.log(options.json ? JSON.stringify(rows, null, 2) : renderStatusTable(rows));
    if (rows.some((r) => r.health === 'unhealthy')) process.exitCode = 1;
  });

program
  .command('logs')
  .description("print a component's log")
  .argument('<component>')
  .option('-f, --follow', 'keep printing new lines')
  .option('-n, --lines <n>', 'lines from the end', '100')
  .action((name: string, options: { follow?: boolean; lines: string }) => {
    const file = stack().logFile(name);
    if (!existsSync(file)) throw new Error(`no log yet for ${name} (${file})`);
    spawn('tail', ['-n', options.lines, ...(options.follow ? ['-F'] : []), file], { stdio: 'inherit' });
  });

/** Runs a tool in the foreground with the stack's settings; its exit code is ours. */
function runTool(spec: LaunchSpec): void {
  const child = spawn(spec.command, spec.args, { stdio: 'inherit', env: { ...process.env, ...spec.env } });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
const toolContext = () => {
  const config = loadStackConfig(process.env);
  return { config, paths: stackPaths(config), reporter: createReporter() };
};

program
  .command('airflow')
  .description("Airflow's own CLI with the stack's environment, e.g. airflow dags list")
  .argument('[args...]')
  .allowUnknownOption()
  .helpOption(false)
  .action((args: string[]) => runTool(airflowCommand(toolContext(), args)));

for (const tool of Object.keys(KAFKA_TOOLS) as KafkaTool[]) {
  program
    .command(tool)
    .description(`Kafka's ${tool} against the stack's broker (--bootstrap-server preset), e.g. ${tool} --list`)
    .argument('[args...]')
    .allowUnknownOption()
    .helpOption(false)
    .action((args: string[]) => runTool(kafkaToolCommand(toolContext(), tool, args)));
}

program
  .command('cql')
  .description('run one CQL statement against the stack\'s Cassandra (with its login) and print the rows')
  .argument('<statement>')
  .option('--json', 'one JSON object per row')
  .action(async (statement: string, options: { json?: boolean }) => {
    const client = createCassandraClient(loadStackConfig(process.env).connections.cassandra);
    try {
      const rs = await client.execute(statement, [], { prepare: false });
      const rows = rs.rows.map((r) => Object.fromEntries(r.keys().map((k) => [k, r.get(k)?.toString?.() ?? r.get(k)])));
      if (options.json) for (const row of rows) console.log(JSON.stringify(row));
      else console.table(rows);
    } finally {
      await client.shutdown();
    }
  });

program
  .command('top')
  .description("the pipeline's flow, latency and lag in the terminal, refreshed (read from the monitor)")
  .option('--once', 'print once and exit')
  .option('--interval <seconds>', 'refresh interval', '2')
  .action(async (options: { once?: boolean; interval: string }) => {
    const config = loadStackConfig(process.env);
    const url = `http://${config.host}:${config.apps.ports.monitor}`;
    for (;;) {
      let text: string;
      try {
        // The monitor's token when it asks for one (beyond loopback, or MONITOR_AUTH=on).
        const token = process.env.MONITOR_AUTH_TOKEN || readStackCredentials(process.env)?.monitor?.token;
        const res = await fetch(`${url}/api/state`, { signal: AbortSignal.timeout(5_000), headers: token ? { authorization: `Bearer ${token}` } : {} });
        if (!res.ok) throw new Error(`it answered ${res.status}${res.status === 401 ? ' (set MONITOR_AUTH_TOKEN to its token)' : ''}`);
        // What the state holds (topic and group names, errors) is data: shown, never obeyed.
        text = terminalSafeLines(renderTop((await res.json()) as TopState, url));
      } catch (error) {
        if (options.once) throw new Error(`the monitor does not answer at ${url} (${describeError(error)}): npm run stack -- up starts it`);
        text = `the monitor does not answer at ${url} yet (npm run stack -- up starts it); retrying`;
      }
      if (options.once) return console.log(text);
      process.stdout.write(`${process.stdout.isTTY ? '\x1b[2J\x1b[H' : '\n'}${text}\n`);
      await new Promise((r) => setTimeout(r, Number(options.interval) * 1000));
    }
  });

program
  .command('reset')
  .description('stop everything and wipe data and logs (installs and download caches are kept)')
  .action(async () => stack().reset());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`stack: ${describeError(error)}`);
  process.exit(1);
});
