import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { createCassandraClient, createPgPool } from '@streamline/clients';
import { loadConnectionConfig, loadStackLayout, loadUserTable } from '@streamline/config';
import { dependencyOf, describeError, isTransientDependencyError, parsePrometheusText, pollUntil, sleep, sumSamples } from '@streamline/runtime';
import { lastJsonLine, percentile, runAppToEnd, startApp, stopApp, storedRows, type AppProcess } from '@streamline/app-runner';
import { fetchedIds, publishedCount, stagedCount } from '@streamline/staging';
import { renderRunReport } from './run-report.js';
import { createStallNotice } from './stall-notice.js';
import { stackCli, stackStatus } from '@streamline/stack-control';
import { composeUp, launcherReady, type RunningApp } from './compose-stack.js';
import { createCtrlC } from './ctrl-c.js';
import { PIPELINE_APPS, latenciesOfNewUsers, parseCount, sourceArgs as sourceArgsOf, usesStackApps } from './run-plan.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const program = new Command('npm start')
  .description('Runs the whole pipeline on the local stack: brings the stack up with its supervised apps (relay, Spark job, writer, monitor), ingests N users and waits until they are in Cassandra.')
  .option('--count <n>', 'users to fetch', '1000')
  .addOption(new Option('--source <source>', 'where users come from (default: the API when reachable, else the generator)').choices(['api', 'generator']))
  .option('--seed <seed>', 'seed for the source (same seed, same users)')
  .option('--api-url <url>', 'randomuser.me-compatible API base URL')
  .option('--nat <list>', 'nationalities, e.g. us,gb')
  .option('--timeout <seconds>', 'give up when the users are not all stored by then', '600')
  .option('--follow', 'stream users continuously (at --rate) until Ctrl-C, showing live counts; then wait until every user fetched is stored')
  .option('--rate <users/s>', 'users per second with --follow', '100')
  .addOption(new Option('--stack <stack>', 'where the servers and apps run: the local stack (processes) or deploy/docker-compose.yml').choices(['local', 'docker']).env('STACK').default('local'))
  .option('--keep-apps', 'when this run started its own apps (the stack does not run them), leave them running afterwards')
  .parse();
const opts = program.opts<{ stack: 'local' | 'docker'; count: string; source?: string; seed?: string; apiUrl?: string; nat?: string; timeout: string; keepApps?: boolean; follow?: boolean; rate: string }>();

const say = (line: string) => process.stderr.write(`${line}\n`);
const stopHint = () => (opts.stack === 'docker' ? 'docker compose -f deploy/docker-compose.yml down' : 'npm run stack -- down');

/** `spark-launcher status` exits 0 once the streaming query runs (on compose: its /healthz). */
const sparkRunning = async (composeApps: RunningApp[] | undefined) =>
  composeApps ? launcherReady(composeApps) : runAppToEnd('spark-launcher', ['status']).status === 0;

/** Set once `stack up` succeeded: the servers outlive this run. */
let stackIsUp = false;

async function main(): Promise<number> {
  const count = parseCount(opts.count);
  const stack = loadStackLayout(process.env, root);
  const logDir = join(stack.logs, 'apps');

  let composeApps: RunningApp[] | undefined;
  if (opts.stack === 'docker') {
    composeApps = composeUp(root, say);
  } else {
    say('streamline: bringing the local stack up, servers and pipeline apps (first run installs it)');
    try {
      stackCli(['up']);
    } catch {
      throw new Error('the local stack did not come up (see above; what this run started was stopped again)');
    }
  }
  stackIsUp = true;
  // Read only now: on a fresh clone, `stack up` has just generated the credentials (the passwords
  // default to them), so settings read before it would have none.
  const connections = loadConnectionConfig(process.env);

  // The stack runs the apps, supervised, and they keep running after this run; where it does not
  // (STREAMLINE_STACK_APPS=none, or a subset), this run starts its own and stops them at the end.
  const stackApps = composeApps ?? stackStatus().filter((c) => c.kind === 'app' && c.health === 'healthy');
  const useStackApps = usesStackApps(stackApps);
  // Their own process groups: a Ctrl-C at the terminal must reach this run only, which stops them
  // once at the end (a second signal would make them exit without draining).
  const apps: AppProcess[] = useStackApps ? [] : await Promise.all(PIPELINE_APPS.map((name) => startApp(name, { logDir, defaultPort: true, detached: true })));
  // However this process ends (a second Ctrl-C exits at once), the apps it started get their stop.
  process.on('exit', () => {
    for (const a of apps) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGTERM');
  });
  if (useStackApps) {
    say('streamline: using the pipeline apps the stack runs (npm run stack -- status)');
    for (const c of stackApps) say(`streamline: ${c.name} ${c.name === 'monitor' ? 'page' : 'health'} ${c.url}${c.name === 'monitor' ? '' : '/healthz'}`);
  } else {
    say(`streamline: started relay, spark-launcher and cassandra-writer (logs in ${logDir})`);
    for (const app of apps) say(`streamline: ${app.name} health ${app.endpoint}/healthz, metrics ${app.endpoint}/metrics`);
  }
  const pool = createPgPool(connections.pg, { max: 2 });
  const cassandra = createCassandraClient(connections.cassandra);
  // A bounded run stopped by Ctrl-C stops the apps it started (each drains its batch), then exits;
  // a second, distinct Ctrl-C exits at once (the 'exit' handler above still stops the apps).
  const ctrlC = createCtrlC();
  const interrupt = (signal: NodeJS.Signals) => {
    const meaning = ctrlC.press();
    if (meaning === 'quit') process.exit(130);
    if (meaning === 'repeat') return;
    say(`streamline: ${signal}: stopping ${apps.length ? 'the apps this run started' : 'the run'} (the stack's servers and apps keep running)`);
    void Promise.all(apps.map((a) => stopApp(a))).finally(() => process.exit(130));
  };
  if (!opts.follow) process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
  try {
    for (const app of apps) {
      void app.exited.then((code) => {
        if (code !== null && code !== 0) say(`streamline: ${app.name} exited with ${code} (log: ${app.logFile})`);
      });
    }
    // Ingest once the streaming query runs, so the latency measures the pipeline, not Spark's start.
    say('streamline: waiting for the Spark streaming query to start');
    const launcherLog = apps[1]?.logFile ?? join(stack.logs, 'spark-launcher.log');
    await pollUntil(
      async () => {
        if (apps[1] && apps[1].child.exitCode !== null) throw new Error(`spark-launcher exited with ${apps[1].child.exitCode} (log: ${launcherLog})`);
        return sparkRunning(composeApps);
      },
      { timeoutMs: 180_000, intervalMs: 2000, what: 'the Spark job', onTimeout: () => new Error(`the Spark job did not start within 180 s (log: ${launcherLog})`) },
    );
    const runId = `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const sourceArgs = sourceArgsOf(opts);
    const writerUrl = useStackApps ? stackApps.find((c) => c.name === 'cassandra-writer')?.url : apps.find((a) => a.name === 'cassandra-writer')?.endpoint;
    // The apps' stalls, said as they come, while this run streams and waits.
    const stalls = createStallNotice(useStackApps ? stackApps.flatMap((c) => (c.name !== 'monitor' && c.url ? [{ name: c.name, url: c.url }] : [])) : apps.map((a) => ({ name: a.name, url: a.endpoint })), say);
    const summary = opts.follow ? await follow(runId, sourceArgs, logDir, pool, writerUrl, stalls) : ingestOnce(runId, count, sourceArgs);

    // Every user the run fetched must be in Cassandra: the new ones and, on a rerun, those an
    // earlier run staged.
    const fetched = await fetchedIds(pool, runId);
    const ids = [...fetched.staged, ...fetched.refetched];
    const started = Date.now();
    const bar = new cliProgress.SingleBar(
      {
        format: 'stored in Cassandra |{bar}| {value}/{total} users | {duration}s',
        stream: process.stderr,
        hideCursor: true,
        // Without a terminal (CI logs), print a plain progress line every few seconds instead.
        noTTYOutput: true,
        notTTYSchedule: 3000,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(ids.length, 0);
    const userTable = loadUserTable(process.env);
    const table = `${userTable.keyspace}.${userTable.table}`;
    const stored: Awaited<ReturnType<typeof storedRows>> = [];
    const seen = new Set<string>();
    const deadline = started + Number(opts.timeout) * 1000;
    let outage: string | undefined;
    while (stored.length < ids.length && Date.now() < deadline) {
      // The apps ride out outages by themselves; one that exits has given up, so waiting is pointless.
      const gone = apps.find((a) => a.child.exitCode !== null || a.child.signalCode !== null);
      if (gone) throw new Error(`${gone.name} exited (${gone.child.exitCode ?? gone.child.signalCode}) with ${stored.length} of ${ids.length} users stored (log: ${gone.logFile})`);
      try {
        // Each poll asks only for the ids not seen yet: a stored row stays stored. Rows are kept
        // group by group (a poll of a million ids takes minutes; the bar moves meanwhile).
        await storedRows(cassandra, ids.filter((id) => !seen.has(id)), table, (rows) => {
          for (const r of rows) {
            if (seen.has(r.id)) continue;
            seen.add(r.id);
            stored.push(r);
          }
          bar.update(stored.length);
        });
        if (outage) say(`streamline: ${outage} is back`);
        outage = undefined;
      } catch (error) {
        if (!isTransientDependencyError(error)) throw error;
        // Said once per outage; the wait goes on within --timeout.
        if (!outage) say(`streamline: ${(outage = dependencyOf(error, 'cassandra'))} unavailable (${describeError(error)}); still waiting`);
      }
      bar.update(stored.length);
      await stalls.check();
      if (stored.length < ids.length) await sleep(1000);
    }
    bar.update(stored.length);
    bar.stop();
    if (stored.length < ids.length) {
      throw new Error(`only ${stored.length} of the ${ids.length} users fetched reached Cassandra within ${opts.timeout}s (see the app logs in ${logDir})`);
    }
    // Latency of this run's own users only: a refetched user was stored by an earlier run.
    // Staged -> published from the stored rows: the broker's append time, not the relay's ack.
    const latencies = latenciesOfNewUsers(stored, fetched.staged);
    console.log(
      renderRunReport({
        runId,
        ingest: summary,
        relay: { published: await publishedCount(pool, runId), p50Ms: percentile(latencies.publish, 50) ?? null, p99Ms: percentile(latencies.publish, 99) ?? null },
        stored: stored.length,
        storedEarlier: fetched.refetched.length,
        p50: percentile(latencies.stored, 50),
        p99: percentile(latencies.stored, 99),
        waitedMs: Date.now() - started,
      }),
    );
    if (useStackApps) say(`streamline: the pipeline keeps running (watch it in the monitor; ${stopHint()} stops it)`);
    return 0;
  } finally {
    if (!opts.keepApps) await Promise.all(apps.map((a) => stopApp(a)));
    await pool.end();
    await cassandra.shutdown();
  }
}

/** A bounded run: the ingestor fetches `count` users and exits. */
function ingestOnce(runId: string, count: number, sourceArgs: string[]): Record<string, unknown> {
  say(`streamline: ingesting ${count} users (run ${runId})`);
  const ingest = runAppToEnd('ingestor', ['--count', String(count), '--run-id', runId, '--json', ...sourceArgs], { stderr: 'inherit', env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } });
  if (ingest.status !== 0) throw new Error(`the ingestor failed (exit ${ingest.status})`);
  return lastJsonLine<Record<string, unknown>>(ingest, 'the ingestor');
}

/**
 * `--follow`: the ingestor streams at --rate until Ctrl-C (or SIGTERM); meanwhile one line every
 * few seconds says how many users were staged and stored. The stop is passed to the ingestor once
 * (its own process group, so the terminal's Ctrl-C does not reach it twice); a second Ctrl-C quits.
 */
async function follow(
  runId: string,
  sourceArgs: string[],
  logDir: string,
  pool: ReturnType<typeof createPgPool>,
  writerUrl: string | undefined,
  stalls: ReturnType<typeof createStallNotice>,
): Promise<Record<string, unknown>> {
  const rate = Number(opts.rate);
  if (!(rate > 0)) throw new Error(`invalid --rate ${JSON.stringify(opts.rate)}: expected users per second above 0`);
  const ingestor = await startApp('ingestor', { logDir, detached: true, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' }, args: ['--follow', '--rate', String(rate), '--run-id', runId, '--json', ...sourceArgs] });
  say(`streamline: streaming ${rate} users/s (run ${runId}; ingestor log ${ingestor.logFile}); Ctrl-C stops the stream`);
  // (npm start runs `node --import tsx`, not the tsx CLI, whose wrapper killed the run 60 ms after
  // a Ctrl-C, exit 130, its apps left running.)
  const ctrlC = createCtrlC();
  const stop = (signal: NodeJS.Signals) => {
    const meaning = ctrlC.press();
    if (meaning === 'quit') process.exit(130);
    if (meaning === 'repeat') return;
    say(`streamline: ${signal}: stopping the stream; the users fetched so far are staged, then this waits until they are stored (Ctrl-C again quits)`);
    ingestor.child.kill('SIGINT');
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  let out = '';
  ingestor.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const storedBefore = writerUrl ? await writerStored(writerUrl) : 0;
  const started = Date.now();
  const live = setInterval(() => {
    void (async () => {
      const staged = await stagedCount(pool, runId).catch(() => NaN);
      const stored = writerUrl ? (await writerStored(writerUrl).catch(() => NaN)) - storedBefore : NaN;
      const seconds = (Date.now() - started) / 1000;
      say(`streamline: ${seconds.toFixed(0)} s: staged ${staged} (${Math.round(staged / seconds)}/s), stored ${Number.isNaN(stored) ? '?' : stored} by the writer since the start`);
      await stalls.check();
    })();
  }, 3000);
  const code = await ingestor.exited;
  clearInterval(live);
  process.off('SIGINT', stop).off('SIGTERM', stop);
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`the ingestor exited with ${code} (log: ${ingestor.logFile})`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** The writer's count of rows written (its /metrics), to show the stream's progress. */
async function writerStored(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
  return sumSamples(parsePrometheusText(await res.text()), 'streamline_records_out_total', { stage: 'write', outcome: 'ok' });
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    say(`streamline: ${describeError(error)}`);
    // The servers stay up for the next run; say so rather than leave them unannounced.
    if (stackIsUp) say(`streamline: the ${opts.stack === 'docker' ? 'compose' : 'local'} stack is still running; stop it with ${stopHint()}`);
    process.exit(1);
  });
