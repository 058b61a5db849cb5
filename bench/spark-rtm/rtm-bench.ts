/**
 * Issue 12: Real-time Mode vs micro-batches, Kafka-in -> Kafka-out, at an offered rate.
 *
 *   npx tsx bench/spark-rtm/rtm-bench.ts --mode rtm --master private --cores 4
 *   npx tsx bench/spark-rtm/rtm-bench.ts --mode job --trigger 1 --master private
 *
 * One run: own topics (`rtm_<id>_created|processed|dlq`, 3 partitions) and subjects, a spark-launcher
 * (the real job: SPARK_JOB_MODE=realtime for --mode rtm, micro-batches for --mode job; a prototype
 * script, since removed, ran the results/ before the job had a realtime mode), a producer at `--rate`
 * users/s (1% not Confluent-framed: the DLQ path) and a consumer of both outputs. After `--warmup` s
 * of load, `--seconds` s are measured: latency per record (output record timestamp - source record
 * timestamp, and arrival at the consumer - send), CPU of the launcher's tree (driver: node launcher,
 * spark-submit JVM, Python driver) and of the executor JVM(s) of the app; then `--idle` s without
 * traffic (CPU only). Everything it created is deleted; the launcher gets SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { percentile, startApp, stopApp, type AppProcess } from '@streamline/app-runner';
import { Compatibility, connectAdmin, connectConsumer, connectProducer, createAvroSerde, createKafka, createRegistryClient, registerAvroSchema } from '@streamline/clients';
import { DEFAULT_TOPIC_LAYOUT, loadConnectionConfig } from '@streamline/config';
import { provisionPipeline, valueSubject } from '@streamline/provisioning';
import { mapApiUser, usersCreatedSchema, type UserCreated } from '@streamline/user-schema';
import { cpuByTree, cpuDelta } from '../cpu-usage.js';
import { fetchGeneratedPages, messagesIn, root, stackServerPids } from '../local-run.js';
import { sleep, until } from '../measure-window.js';
import { rssByTree } from '../memory-usage.js';
import { startPrivateCluster, type PrivateCluster } from './private-cluster.js';

const program = new Command()
  .option('--mode <mode>', 'rtm (the job in Real-time Mode, SPARK_JOB_MODE=realtime) or job (the job in micro-batches)', 'rtm')
  .option('--trigger <s>', 'micro-batch trigger seconds (job)', '5')
  .option('--batch-duration <d>', 'RTM batch duration = checkpoint interval', '1 minute')
  .option('--master <where>', 'stack (spark://127.0.0.1:7077) or private (a master + worker of this run)', 'private')
  .option('--cores <n>', 'cores the private worker advertises', '4')
  .option('--job-cores <n>', 'spark.cores.max = spark.executor.cores of the app (default: 3 for rtm, 1 otherwise)')
  .option('--executor-cores <n>', 'spark.executor.cores (default: --job-cores)')
  .option('--rate <n>', 'users/s offered', '1000')
  .option('--warmup <s>', 'seconds of load before the measured window', '30')
  .option('--seconds <s>', 'measured window', '60')
  .option('--idle <s>', 'seconds without traffic, CPU only (after a 10 s settle)', '30')
  .option('--venv <dir>', 'the venv with pyspark (spark-submit, python, spark-class)', join(root, '.stack', 'venv'))
  .option('--jars <list>', 'connector jars (comma-separated; default: the stack\'s)')
  .option('--schema-change-at <s>', 'seconds into the window: register a new users_created version and produce with it')
  .option('--start-timeout <s>', 'wait this long for the query to start', '240')
  .option('--label <text>', 'name of the result file');
const opts = program.parse().opts<Record<string, string | undefined>>();

const config = loadConnectionConfig();
const id = `rtm_${Date.now().toString(36)}`;
const topics = { created: `${id}_created`, processed: `${id}_processed`, dlq: `${id}_dlq` };
const mode = opts.mode!;
if (mode !== 'rtm' && mode !== 'job') throw new Error(`--mode ${mode}: expected rtm or job`);
const rate = Number(opts.rate);
const [warmupS, windowS, idleS] = [Number(opts.warmup), Number(opts.seconds), Number(opts.idle)];
const jobCores = opts.jobCores ?? (mode === 'rtm' ? '3' : '1');
const logDir = join(root, '.stack', 'logs', 'bench', id);
const resultsDir = join(root, 'bench', 'spark-rtm', 'results');
const say = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50) ?? null, p90: percentile(s, 90) ?? null, p99: percentile(s, 99) ?? null, max: s.at(-1) ?? null };
};

/** The executor JVM(s) of `appId` (CoarseGrainedExecutorBackend ... --app-id <appId>). */
function executorPids(appId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('CoarseGrainedExecutorBackend') && cmd.includes(appId)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const checkpoint = mkdtempSync(join(tmpdir(), `streamline-${id}-`));
  const statusFile = join(checkpoint, 'launcher-status.json');
  const kafka = createKafka(config.kafka);
  const admin = await connectAdmin(kafka);
  const registry = createRegistryClient(config.registry);
  let cluster: PrivateCluster | undefined;
  let launcher: AppProcess | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let sentCount = () => 0;
  let receivedRef: { processed: number; dlq: number } | undefined;
  let seenRef: Set<string> | undefined;
  const result: Record<string, unknown> = { id, mode, opts, startedAt: new Date().toISOString(), loadavgAtStart: readFileSync('/proc/loadavg', 'utf8').trim() };
  const consumer = await connectConsumer(kafka, { groupId: `${id}_latency`, maxWaitTimeInMs: 50 });
  const producer = await connectProducer(kafka, { idempotent: false, maxInFlightRequests: 5 });
  try {
    say(`${id}: mode ${mode}, trigger ${opts.trigger} s, batch duration ${opts.batchDuration}, master ${opts.master}`);
    const { schemaIds } = await provisionPipeline(config, topics, DEFAULT_TOPIC_LAYOUT);
    const createdId = schemaIds[valueSubject(topics.created)]!;
    const pool = (await fetchGeneratedPages(`${id}-pool`, 2000)).map((u) => mapApiUser(u, { source: 'generator', ingestRunId: id }));
    let serde = createAvroSerde<UserCreated>(registry, topics.created, { schemaId: createdId });

    const masterUrl = opts.master === 'private'
      ? (cluster = await startPrivateCluster({ venv: opts.venv!, cores: Number(opts.cores), memory: '3g', logDir })).masterUrl
      : config.spark.masterUrl;
    const jars = opts.jars ?? undefined;
    const env: Record<string, string> = {
      TOPIC_USERS_CREATED: topics.created,
      TOPIC_USERS_PROCESSED: topics.processed,
      TOPIC_USERS_DLQ: topics.dlq,
      SPARK_JOB_CHECKPOINT_DIR: checkpoint,
      SPARK_JOB_APP_NAME: id,
      SPARK_LAUNCHER_STATUS_FILE: statusFile,
      SPARK_MASTER_URL: masterUrl,
      SPARK_JOB_TRIGGER_SECONDS: opts.trigger!,
      SPARK_JOB_CORES_MAX: jobCores,
      SPARK_JOB_EXECUTOR_CORES: opts.executorCores ?? jobCores,
      SPARK_LAUNCHER_MAX_RESTARTS: '1',
      SPARK_SUBMIT: join(opts.venv!, 'bin', 'spark-submit'),
      PYSPARK_PYTHON: join(opts.venv!, 'bin', 'python'),
      LOG_LEVEL: 'info',
      SPARK_JOB_MODE: mode === 'rtm' ? 'realtime' : 'microbatch',
      SPARK_JOB_REALTIME_BATCH_DURATION: opts.batchDuration!,
      ...(jars ? { SPARK_CONNECTOR_JARS: jars } : {}),
    };
    result.env = env;

    // Latency: every record of both outputs, against the send time of its key.
    const sentAt = new Map<string, number>();
    const latTs: Array<[number, number]> = []; // [send time, out.timestamp - in.timestamp]
    const latArrival: Array<[number, number]> = []; // [send time, arrival - send]
    const seen = new Set<string>();
    let duplicates = 0;
    const received = { processed: 0, dlq: 0 };
    receivedRef = received;
    seenRef = seen;
    await consumer.subscribe({ topics: [topics.processed, topics.dlq], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          const key = m.key?.toString() ?? '';
          const sent = sentAt.get(key);
          if (batch.topic === topics.processed) received.processed++;
          else received.dlq++;
          if (seen.has(key)) duplicates++;
          seen.add(key);
          if (sent === undefined) continue;
          latTs.push([sent, Number(m.timestamp) - sent]);
          latArrival.push([sent, now - sent]);
        }
      },
    });

    ticker = setInterval(() => say(`sent ${sentCount()}, received processed ${received.processed}, dlq ${received.dlq}`), 10_000);
    // Before any load: stackServerPids runs a command synchronously (seconds on a busy machine).
    const servers = stackServerPids();
    const t0 = Date.now();
    launcher = await startApp('spark-launcher', { logDir, env });
    const exited = launcher.exited.then((code) => {
      throw new Error(`the launcher exited (code ${code}) before the run ended: see ${launcher!.logFile}`);
    });
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      until(async () => (await fetch(`${launcher!.endpoint}/healthz`).catch(() => undefined))?.status === 200, 'the query to start', Number(opts.startTimeout) * 1000, 500),
    ]);
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { applicationId?: string };
    const appId = status.applicationId!;
    result.queryStartedAfterMs = Date.now() - t0;
    say(`query running after ${((Date.now() - t0) / 1000).toFixed(1)} s, application ${appId}`);

    // Load: `rate` users/s, sent every 20 ms, 1% garbage (magic byte 1: DLQ).
    let sent = 0;
    sentCount = () => sent;
    let stopLoad = false;
    let loadError: unknown;
    let schemaChanged: { at: number; id: number } | undefined;
    const loadStart = Date.now();
    const load = (async () => {
      while (!stopLoad) {
        // At most 200 per request (a late loop must not build one request over the broker's limit).
        const due = Math.min(200, Math.floor(((Date.now() - loadStart) / 1000) * rate) - sent);
        if (due > 0) {
          const now = Date.now();
          const messages = await Promise.all(Array.from({ length: due }, async (_, i) => {
            const key = randomUUID();
            sentAt.set(key, now);
            const n = sent + i;
            const value = n % 100 === 99
              ? Buffer.from([1, 0, 0, 0, 1, 2, 3, 4, 5])
              : await serde.serialize({ ...pool[n % pool.length]!, id: key, staged_at: now } as UserCreated);
            return { key, value, timestamp: String(now) };
          }));
          sent += due;
          await producer.send({ topic: topics.created, messages });
        }
        if (due < 200) await sleep(20);
      }
    })().catch((error) => {
      loadError = error;
    });

    await Promise.race([exited, sleep(warmupS * 1000)]);
    // The query "runs" long before its executor has warmed up: wait until the output keeps up.
    const slack = rate * ((mode === 'rtm' ? 0 : Number(opts.trigger)) + 3);
    const caughtUp = Date.now();
    await Promise.race([exited, until(async () => sent - received.processed - received.dlq < slack, 'the output to catch up with the load', 300_000, 500)]);
    result.caughtUpAfterWarmupMs = Date.now() - caughtUp;
    say(`output caught up ${((Date.now() - caughtUp) / 1000).toFixed(1)} s after the warm-up`);
    let executors = executorPids(appId);
    for (let i = 0; executors.length === 0 && i < 60; i++) {
      await Promise.race([exited, sleep(1000)]);
      executors = executorPids(appId);
    }
    if (executors.length === 0) {
      const masterUi = cluster ? cluster.masterUiUrl : config.spark.masterUiUrl;
      result.masterJson = await (await fetch(`${masterUi}/json/`)).json();
      throw new Error(`no executor for ${appId} after ${warmupS + 60} s of load`);
    }
    const roots = new Map<string, number>([
      ['driver (launcher tree)', launcher.child.pid!],
      ...executors.map((pid, i) => [`executor ${i}`, pid] as [string, number]),
      ['kafka broker (shared, noisy)', servers.get('kafka')!],
      ...(cluster ? ([['private worker+master daemons', cluster.worker.pid!], ['private master', cluster.master.pid!]] as Array<[string, number]>) : []),
    ]);
    say(`measuring ${windowS} s (executor pids ${executors.join(', ')})`);
    const w0 = Date.now();
    const sent0 = sent;
    const cpu0 = cpuByTree(roots);
    const rss: Record<string, number> = {};
    const sampleRss = () => {
      for (const [name, mib] of rssByTree(roots)) rss[name] = Math.max(rss[name] ?? 0, Math.round(mib));
    };
    const rssTimer = setInterval(sampleRss, 2000);
    const changeAt = opts.schemaChangeAt === undefined ? undefined : Number(opts.schemaChangeAt) * 1000;
    while (Date.now() - w0 < windowS * 1000) {
      if (changeAt !== undefined && !schemaChanged && Date.now() - w0 >= changeAt) {
        // A BACKWARD-compatible new version (an optional field), produced from now on.
        const base = usersCreatedSchema as unknown as { fields: object[] };
        const next = { ...base, fields: [...base.fields, { name: 'rtm_note', type: ['null', 'string'], default: null }] };
        const newId = await registerAvroSchema(registry, `${topics.created}-value`, next, Compatibility.BACKWARD);
        serde = createAvroSerde<UserCreated>(registry, topics.created, { schemaId: newId });
        schemaChanged = { at: Date.now(), id: newId };
        say(`registered users_created version with id ${newId}, producing with it`);
      }
      await Promise.race([exited, sleep(250)]);
    }
    const cpu1 = cpuByTree(roots);
    const w1 = Date.now();
    const sent1 = sent;
    clearInterval(rssTimer);
    stopLoad = true;
    await load;
    if (loadError) throw loadError;
    const windowRecords = sent1 - sent0;
    // Wait for the measured records to come out (at most 60 s).
    const inWindow = (t: number) => t >= w0 && t < w1;
    await until(async () => latTs.filter(([t]) => inWindow(t)).length >= windowRecords, 'the measured records to come out', 60_000, 500).catch((e) => say(String(e)));
    const cpu = cpuDelta(cpu0, cpu1);
    const perRecordUs = Object.fromEntries([...cpu].map(([name, s]) => [name, Math.round((s * 1e6) / windowRecords)]));
    const executorCpu = [...cpu].filter(([n]) => n.startsWith('executor')).reduce((a, [, s]) => a + s, 0);
    const driverCpu = cpu.get('driver (launcher tree)')!;
    result.window = {
      seconds: (w1 - w0) / 1000,
      records: windowRecords,
      offeredPerS: Math.round((windowRecords * 1000) / (w1 - w0)),
      cpuSeconds: Object.fromEntries([...cpu].map(([n, s]) => [n, Number(s.toFixed(2))])),
      cpuUsPerRecord: perRecordUs,
      driverUsPerRecord: Math.round((driverCpu * 1e6) / windowRecords),
      executorUsPerRecord: Math.round((executorCpu * 1e6) / windowRecords),
      sparkUsPerRecord: Math.round(((driverCpu + executorCpu) * 1e6) / windowRecords),
      sparkCores: Number(((driverCpu + executorCpu) / ((w1 - w0) / 1000)).toFixed(2)),
      latencyKafkaTsMs: summary(latTs.filter(([t]) => inWindow(t)).map(([, l]) => l)),
      latencyArrivalMs: summary(latArrival.filter(([t]) => inWindow(t)).map(([, l]) => l)),
      peakRssMiB: rss,
      loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
    };
    // p99 and max latency per 5 s of send time: batch boundaries and restarts show as spikes.
    const buckets = new Map<number, number[]>();
    for (const [t, l] of latTs.filter(([t]) => inWindow(t))) {
      const b = Math.floor((t - w0) / 5000) * 5;
      if (!buckets.has(b)) buckets.set(b, []);
      buckets.get(b)!.push(l);
    }
    result.latencyBy5s = [...buckets].sort(([a], [b]) => a - b).map(([b, ls]) => ({ s: b, ...summary(ls) }));
    if (schemaChanged) {
      const after = latTs.filter(([t]) => t >= schemaChanged!.at && t < w1).map(([, l]) => l);
      result.schemaChange = { newId: schemaChanged.id, afterChange: summary(after) };
    }
    say(`window: ${JSON.stringify(result.window)}`);

    // Idle: no traffic.
    await Promise.race([exited, sleep(10_000)]);
    const i0 = cpuByTree(roots);
    const it0 = Date.now();
    await Promise.race([exited, sleep(idleS * 1000)]);
    const idle = cpuDelta(i0, cpuByTree(roots));
    const idleSeconds = (Date.now() - it0) / 1000;
    result.idle = {
      seconds: idleSeconds,
      cpuPercentOfOneCore: Object.fromEntries([...idle].map(([n, s]) => [n, Number(((s * 100) / idleSeconds).toFixed(1))])),
    };
    say(`idle: ${JSON.stringify(result.idle)}`);
    result.totals = { sent, received, distinctReceived: seen.size, duplicates, inTopics: { created: await messagesIn(admin, topics.created), processed: await messagesIn(admin, topics.processed), dlq: await messagesIn(admin, topics.dlq) } };
    say(`totals: ${JSON.stringify(result.totals)}`);
  } catch (error) {
    result.error = String((error as Error).stack ?? error);
    say(`failed: ${String(error)}`);
    result.totals = { sent: sentCount(), received: receivedRef, distinctReceived: seenRef?.size };
  } finally {
    if (ticker) clearInterval(ticker);
    if (launcher) {
      const stopT = Date.now();
      await stopApp(launcher, 60_000);
      result.stopMs = Date.now() - stopT;
      const lines = readFileSync(launcher.logFile, 'utf8').split('\n');
      result.launcherLogTail = lines.filter((l) => /error|Exception|query progress|restarting|schemas|WARN/i.test(l)).slice(-40);
    }
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    if (cluster) await cluster.stop();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch((e) => say(`could not delete topics: ${String(e)}`));
    for (const t of [topics.created, topics.processed]) {
      await registry.deleteSubject(`${t}-value`, false).then(() => registry.deleteSubject(`${t}-value`, true)).catch(() => undefined);
    }
    await admin.disconnect();
    rmSync(checkpoint, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${opts.label ?? `${mode}-${mode === 'rtm' ? 'rt' : opts.trigger + 's'}`}-${id}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    say(`result: ${file}`);
  }
}

await main();
process.exit(0);
