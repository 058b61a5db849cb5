/**
 * The whole pipeline running at once on an isolated run (its own database, topics, keyspace and
 * checkpoint): the relay, the Spark job through its launcher and the writer as processes, the
 * ingestor run per measurement. End-to-end throughput, latency at fixed offered rates and the first
 * impression (the first users on new Spark JVMs) are measured on it.
 */
import { join } from 'node:path';
import type { types } from 'cassandra-driver';
import { connectAdmin, createCassandraClient, createKafka, fetchConsumerLag } from '@streamline/clients';
import type { ConnectionConfig } from '@streamline/config';
import { createIsolatedRun, percentile, runAppToEnd, startApp, stopApp, type AppProcess, type IsolatedRun } from '@streamline/app-runner';
import { ingestSummary, messagesIn, root, runCommand, serveGenerator, stackServerPids, type ServedGenerator } from './local-run.js';
import { sleep, until } from './measure-window.js';

/** One stored user's clock readings (epoch ms): staged in PostgreSQL, appended to the created topic by the broker, processed by Spark, stored. */
export interface UserTimes {
  staged: number;
  published: number;
  processed: number;
  stored: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface HopLatency {
  users: number;
  total: Percentiles;
  published: Percentiles;
  processed: Percentiles;
  stored: Percentiles;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50) ?? NaN, p95: percentile(sorted, 95) ?? NaN, p99: percentile(sorted, 99) ?? NaN };
}

/** Latency per hop: staged -> published -> processed -> stored, and staged -> stored. */
export function hopLatency(times: UserTimes[]): HopLatency {
  return {
    users: times.length,
    total: percentiles(times.map((t) => t.stored - t.staged)),
    published: percentiles(times.map((t) => t.published - t.staged)),
    processed: percentiles(times.map((t) => t.processed - t.published)),
    stored: percentiles(times.map((t) => t.stored - t.processed)),
  };
}

/** The served generator's tree: a root of its own so its CPU is not the ingestor's; leave it out of the figures. */
export const GENERATOR_ROOT = 'generator (not counted)';

export class LivePipeline {
  readonly logDir: string;
  private readonly apps: AppProcess[] = [];
  private readonly admin;
  private readonly cassandra;
  private stagedSoFar = 0;
  /** Measured ingests fetch from the generator served over HTTP, so its cost stays out (as in the stages). */
  private generator?: ServedGenerator;

  private constructor(
    readonly id: string,
    private readonly run: IsolatedRun,
    readonly env: Record<string, string>,
    config: ConnectionConfig,
    admin: Awaited<ReturnType<typeof connectAdmin>>,
  ) {
    this.logDir = join(root, '.stack', 'logs', 'bench', id);
    this.admin = admin;
    this.cassandra = createCassandraClient(config.cassandra);
  }

  /** Starts the three apps on a new isolated run; `waitForQuery`: until the Spark query runs. */
  static async start(config: ConnectionConfig, prefix: string, waitForQuery = true, appEnv: Record<string, string> = {}): Promise<LivePipeline> {
    const id = `${prefix}_${Date.now().toString(36)}`;
    const run = await createIsolatedRun(config, id);
    const env = { ...run.env, LOG_LEVEL: 'warn', INGESTOR_HTTP_PORT: '0', ...appEnv };
    const p = new LivePipeline(id, run, env, config, await connectAdmin(createKafka(config.kafka)));
    for (const name of ['relay', 'spark-launcher', 'cassandra-writer'] as const) p.apps.push(await startApp(name, { logDir: p.logDir, env }));
    if (waitForQuery) await p.queryRunning();
    return p;
  }

  async queryRunning(): Promise<void> {
    await until(async () => runAppToEnd('spark-launcher', ['status'], { env: this.env }).status === 0, 'the Spark query to run', 300_000, 1000);
  }

  /** Each server's and app's process tree, this process (the ingestor runs as its child), and the generator's. */
  roots(): Map<string, number> {
    const generator: [string, number][] = this.generator ? [[GENERATOR_ROOT, this.generator.pid]] : [];
    return new Map([...stackServerPids(), ...this.apps.map((a) => [a.name, a.child.pid!] as [string, number]), ['ingestor (+ bench)', process.pid], ...generator]);
  }

  /** Stages `count` generated users (the ingestor to its end, fetching them over HTTP); returns how many it staged. */
  async ingest(seed: string, count: number): Promise<number> {
    this.generator ??= await serveGenerator(this.env);
    const { staged } = await ingestSummary(runCommand('ingestor', ['--source', 'api', '--api-url', this.generator.url, '--seed', seed, '--count', String(count), '--json'], this.env));
    this.stagedSoFar += staged;
    return staged;
  }

  /**
   * `ingestor --follow --rate` for `seconds`, then stopped as Ctrl-C would; returns how many it
   * staged, and the rate it fetched at while following (its own clock: the process's start-up is
   * not in it, where `seconds` has it).
   */
  async follow(seed: string, rate: number, seconds: number): Promise<{ staged: number; achieved: number }> {
    const cmd = runCommand('ingestor', ['--source', 'generator', '--seed', seed, '--follow', '--rate', String(rate), '--json'], this.env);
    await sleep(seconds * 1000);
    cmd.stop();
    const summary = await ingestSummary(cmd);
    this.stagedSoFar += summary.staged;
    return { staged: summary.staged, achieved: summary.rate };
  }

  /**
   * Until the writer's group has committed every message the job wrote for all users staged so far.
   * Polled on Kafka offsets, not SELECT count(*): that full scan took a quarter of Cassandra's CPU
   * in a profile and would lower the figures it measures.
   */
  async caughtUp(timeoutMs = 900_000): Promise<void> {
    const topic = this.env.TOPIC_USERS_PROCESSED!;
    await until(async () => (await messagesIn(this.admin, topic)) >= this.stagedSoFar && (await fetchConsumerLag(this.admin, this.env.WRITER_GROUP_ID!, topic)).total === 0, `all ${this.stagedSoFar} users stored`, timeoutMs);
  }

  /**
   * The clock readings of every stored user staged at or after `since`, all four from its row:
   * published is the broker's append time the Spark job carried (not the relay's ack, which can
   * come after Spark has read the record).
   */
  async times(since: Date): Promise<UserTimes[]> {
    const out: UserTimes[] = [];
    let pageState: string | undefined;
    do {
      // Page by page: one execute returns a single page of fetchSize rows.
      const rs: types.ResultSet = await this.cassandra.execute(`SELECT id, staged_at, published_at, processed_at, stored_at FROM ${this.id}.created_users`, [], { fetchSize: 50_000, readTimeout: 120_000, ...(pageState ? { pageState } : {}) });
      for (const r of rs.rows) {
        const time = (column: string) => (r.get(column) as Date | null)?.getTime() ?? 0;
        const staged = time('staged_at');
        if (staged >= since.getTime()) out.push({ staged, published: time('published_at'), processed: time('processed_at'), stored: time('stored_at') });
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.map((a) => stopApp(a)), this.generator?.stop()]);
    await this.admin.disconnect();
    await this.cassandra.shutdown();
    await this.run.drop();
  }
}
