/**
 * Each stage alone, the others idle, on one chain of data: the ingestor stages a backlog (from the
 * generator served over HTTP, so the generator's own cost stays out), the relay publishes it, the
 * Spark job's floor (decode + encode only, bench/spark-floor) and then the real job each process it,
 * the writer stores it. Every stage's figures cover the users after the first `warmup` it handled
 * (the Spark JVMs are new on each launch and spend their first minute compiling).
 */
import { join } from 'node:path';
import { connectAdmin, createKafka, fetchConsumerLag } from '@streamline/clients';
import { DEFAULT_TOPIC_LAYOUT, type ConnectionConfig } from '@streamline/config';
import { provisionPipeline } from '@streamline/provisioning';
import { createIsolatedRun, startApp, stopApp, type AppProcess, type ServingApp } from '@streamline/app-runner';
import { ingestSummary, messagesIn, root, runCommand, serveGenerator, stackServerPids } from './local-run.js';
import { GENERATOR_ROOT } from './live-pipeline.js';
import { measureWindow, until, usPerUser, type Window } from './measure-window.js';
import { floorUs, type Floor } from './server-floors.js';

export interface StageFigures {
  stage: string;
  users: number;
  window: Window;
  usPerUser: number;
  /** The stage's floor (µs per user): the servers' and clients' least work for what the stage does. */
  floorUs: number;
}

export const SPARK_FLOOR_JOB = join(root, 'bench', 'spark-floor', 'passthrough_stream.py');

/**
 * The ingestor stage: a warm-up run, then the measured one, the generator serving pages over HTTP.
 * `env` names the database to stage into (PG_DATABASE); `ingestorRoot` another checkout's ingestor;
 * `nodeArgs` node's options for the ingestor runs (e.g. --cpu-prof).
 */
export async function measureIngestStage(
  env: Record<string, string>,
  floors: Floor[],
  users: number,
  warmup: number,
  say: (line: string) => void,
  id = `bench_ingest_${Date.now().toString(36)}`,
  ingestorRoot?: string,
  nodeArgs: readonly string[] = [],
): Promise<StageFigures> {
  const api = await serveGenerator(env);
  try {
    const ingest = (seed: string, count: number) => runCommand('ingestor', ['--source', 'api', '--api-url', api.url, '--seed', seed, '--count', String(count), '--json'], env, ingestorRoot, nodeArgs);
    await ingestSummary(ingest(`${id}-warmup`, warmup));
    const cmd = ingest(id, users);
    // The ingestor is this process's child: once it exits its CPU shows in this process's reaped
    // children, so this process is its root; the generator is a root of its own and not counted.
    const roots = new Map([...stackServerPids()].filter(([name]) => name === 'postgres'));
    roots.set('ingestor', process.pid).set(GENERATOR_ROOT, api.pid);
    let staged = 0;
    const window = await measureWindow(roots, async () => void (staged = (await ingestSummary(cmd)).staged));
    window.cpu.delete(GENERATOR_ROOT);
    window.peakRssMiB.delete(GENERATOR_ROOT);
    say(`bench: ingest: ${Math.round((staged * 1000) / window.ms)} users/s, ${usPerUser(window, staged).toFixed(0)} µs/user`);
    return { stage: 'ingestor -> PostgreSQL', users: staged, window, usPerUser: usPerUser(window, staged), floorUs: floorUs(floors, ['pg-insert']) };
  } finally {
    await api.stop();
  }
}

/** Runs the chain on `warmup + users` generated users; returns one figure per stage, the Spark floor among them. */
export async function measureStages(config: ConnectionConfig, floors: Floor[], users: number, warmup: number, say: (line: string) => void, appEnv: Record<string, string> = {}): Promise<StageFigures[]> {
  const id = `bench_stages_${Date.now().toString(36)}`;
  const run = await createIsolatedRun(config, id);
  const env: Record<string, string> = { ...run.env, LOG_LEVEL: 'warn', INGESTOR_HTTP_PORT: '0', ...appEnv };
  const logDir = join(root, '.stack', 'logs', 'bench', id);
  const servers = stackServerPids();
  const pick = (...names: string[]) => new Map([...servers].filter(([name]) => names.includes(name)));
  const admin = await connectAdmin(createKafka(config.kafka));
  const figures: StageFigures[] = [];
  const total = warmup + users;
  const started: AppProcess[] = [];
  const start = async (name: ServingApp, extra: Record<string, string> = {}) => {
    const app = await startApp(name, { logDir, env: { ...env, ...extra } });
    started.push(app);
    return app;
  };
  /** The window in which a stage's output counter goes from `warmup` to `total`. */
  const drain = async (stage: string, roots: Map<string, number>, progress: () => Promise<number>, floor: number) => {
    await until(async () => (await progress()) >= warmup, `${stage}: the first ${warmup} users`);
    const from = await progress();
    const window = await measureWindow(roots, () => until(async () => (await progress()) >= total, `${stage}: all ${total} users`));
    const measured = total - from;
    figures.push({ stage, users: measured, window, usPerUser: usPerUser(window, measured), floorUs: floor });
    say(`bench: ${stage}: ${Math.round((measured * 1000) / window.ms)} users/s, ${usPerUser(window, measured).toFixed(0)} µs/user (floor ${floor.toFixed(0)})`);
  };
  try {
    figures.push(await measureIngestStage(env, floors, users, warmup, say, id));

    // Relay: PostgreSQL -> Kafka, draining the backlog.
    const relay = await start('relay');
    await drain('relay: PostgreSQL -> Kafka', new Map([...pick('postgres', 'kafka', 'schema-registry'), ['relay', relay.child.pid!]]), () => messagesIn(admin, env.TOPIC_USERS_CREATED!), floorUs(floors, ['pg-read', 'kafka-produce']));
    await stopApp(relay);

    // Spark: the floor job (decode + encode, into a topic of its own), then the real job.
    const sparkRoots = (launcher: AppProcess) => new Map([...pick('kafka', 'spark-master', 'spark-worker'), ['spark-launcher', launcher.child.pid!]]);
    const floorTopic = `${id}_floor`;
    await provisionPipeline(config, { processed: floorTopic }, DEFAULT_TOPIC_LAYOUT);
    const floorJob = await start('spark-launcher', { SPARK_JOB_FILE: SPARK_FLOOR_JOB, TOPIC_USERS_PROCESSED: floorTopic, SPARK_JOB_CHECKPOINT_DIR: join(env.SPARK_JOB_CHECKPOINT_DIR!, 'floor') });
    const kafkaFloor = floorUs(floors, ['kafka-produce', 'kafka-consume'], 'server');
    await drain('Spark floor: decode + encode only', sparkRoots(floorJob), () => messagesIn(admin, floorTopic), kafkaFloor);
    await stopApp(floorJob);
    const sparkFloor = figures.at(-1)!.usPerUser;
    const job = await start('spark-launcher');
    await drain('Spark job: Kafka -> Kafka', sparkRoots(job), () => messagesIn(admin, env.TOPIC_USERS_PROCESSED!), sparkFloor);
    await stopApp(job);

    // Writer: Kafka -> Cassandra, its consumer group's committed offsets.
    const writer = await start('cassandra-writer');
    const committed = async () => {
      const lag = await fetchConsumerLag(admin, env.WRITER_GROUP_ID!, env.TOPIC_USERS_PROCESSED!).catch(() => undefined);
      return lag ? total - lag.total : 0;
    };
    await drain('writer: Kafka -> Cassandra', new Map([...pick('kafka', 'cassandra', 'schema-registry'), ['cassandra-writer', writer.child.pid!]]), committed, floorUs(floors, ['kafka-consume', 'cassandra-write']));
    await stopApp(writer);
    return figures;
  } finally {
    await Promise.all(started.map((a) => stopApp(a)));
    await admin.deleteTopics({ topics: [`${id}_floor`] }).catch(() => undefined);
    await admin.disconnect();
    await run.drop();
  }
}
