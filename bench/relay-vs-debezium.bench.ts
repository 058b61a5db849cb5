/**
 * Our relay, in both its sources (polling the outbox, and RELAY_SOURCE=wal: a logical-replication
 * client of it), beside Debezium (PostgreSQL connector + outbox event router under Kafka Connect
 * standalone, Avro through Apicurio's converter), each alone on its own isolated database and
 * topic with the same generated users, on the local stack. For each:
 *
 * - backlog: N users staged while nothing publishes (Debezium's and the WAL relay's slots already
 *   exist, so they wait in its WAL), then the publisher starts; records/s from the first to the last record's broker
 *   append time, and CPU per record of its process tree (and of its PostgreSQL backends).
 * - fixed rate: `ingestor --follow --rate R` for S seconds against the running publisher;
 *   staged -> published latency p50/p99 per record, and CPU per record at that rate.
 *
 * "Published" is the same clock for both: the topics use LogAppendTime, so a record's timestamp is
 * when the broker appended it; "staged" is outbox.created_at. The same machine runs both clocks.
 *
 * Run: npx tsx bench/relay-vs-debezium.bench.ts [users=20000] [rate=1000] [seconds=20]
 * The first run installs Kafka Connect + Debezium + the Apicurio converter from Maven Central into
 * .stack/dist/debezium-connect (about a minute, progress shown). Needs `npm run stack -- up`.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import type { Admin } from 'kafkajs';
import { createIsolatedRun, percentile, startApp, stopApp, type AppProcess } from '@streamline/app-runner';
import { connectAdmin, connectConsumer, createAvroSerde, createKafka, createPgPool, createRegistryClient, readSchemaId, type PgPool } from '@streamline/clients';
import { APP_HTTP_PORT_VARS, loadConnectionConfig, type ConnectionConfig } from '@streamline/config';
import { migrateStaging, outboxLastSeq, outboxRowCount, outboxRowsInOrder } from '@streamline/staging';
import { usersCreatedSchema } from '@streamline/user-schema';
import { cpuByTree } from './cpu-usage.js';
import { createSlotAndPublication, dropLeftoverSlots, dropSlot, installDebeziumConnect, slotName, startDebezium, type DebeziumConnectInstall } from './debezium-connect.js';
import { ingestGenerated, messagesIn, root, runCommand } from './local-run.js';
import { pollUntil } from '@streamline/runtime';
import { sleep } from './measure-window.js';

export interface RelayVsDebeziumOptions {
  /** Users in the backlog (default 20,000). */
  users?: number;
  /** Offered rate of the latency phase, users/s (default 1,000). */
  rate?: number;
  /** Length of the latency phase (default 20 s). */
  seconds?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Ends the run at its next check, through the clean-up (Connect stopped, slot dropped). */
  signal?: AbortSignal;
}

export interface SideResult {
  publisher: string;
  backlog: {
    records: number;
    /** From the first to the last record's broker append time. */
    recordsPerSec: number;
    /** From the publisher's start to the last record (start-up included). */
    wallMs: number;
    /** CPU of the publisher's process tree per record, first -> last record. */
    cpuUsPerRecord: number;
    /** The same with its start-up (JVM, tsx) included. */
    cpuUsPerRecordWithStart: number;
    /** CPU of its PostgreSQL backends per record (claims and marks; or the walsender's decoding). */
    pgCpuUsPerRecord: number;
  };
  rate: {
    offered: number;
    records: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    cpuUsPerRecord: number;
    pgCpuUsPerRecord: number;
  };
  /** Every outbox row reached the topic once, keyed by its aggregateid, with its event id header. */
  delivery: { missing: number; duplicates: number; wrongKey: number; /** records whose id header names no outbox row */ unmatched: number };
  format: {
    /** Confluent wire format: magic byte 0 and the schema id the Confluent-compatible API serves. */
    confluentFramed: boolean;
    schemaIds: number[];
    /** Versions registered under `<topic>-value` by the end. */
    subjectVersions: number;
    /** Field names of the writer schema of the first record. */
    fields: string[];
    /** The first record, decoded through the registry with our serde. */
    sample: Record<string, unknown>;
    headers: string[];
    /** The first record's id header as read (to tell why records did not match outbox rows). */
    idHeader: string;
    /** How many `id` headers the first record has. */
    idHeaders: number;
    /** Whether a reader with users_created.avsc (the Spark job) can resolve the writer schema; else why not. */
    resolvesToUsersCreated: true | string;
  };
}

export interface RelayVsDebeziumResult {
  users: number;
  rate: number;
  seconds: number;
  versions: DebeziumConnectInstall['versions'];
  relay: SideResult;
  /** The relay with RELAY_SOURCE=wal. */
  relayWal: SideResult;
  debezium: SideResult;
  /** Load average (1 min) at the start and the end: the machine is shared, so the figures are noisy. */
  load: [number, number];
  markdown: string;
}

const PREFIX = 'rvd_';

/** CPU seconds of the run database's backends other than the ingestor's and ours, by pid. */
async function backendPids(pool: PgPool, database: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name NOT IN ('ingestor', 'rvd-bench')`,
    [database],
  );
  return new Map(rows.map((r) => [String(r.pid), r.pid]));
}

/** Per-pid CPU seconds between two moments, for the pids alive at the end (backends come and go). */
async function pgCpu(pool: PgPool, database: string) {
  const pids = await backendPids(pool, database);
  const before = cpuByTree(pids);
  return async () => {
    const now = await backendPids(pool, database);
    const after = cpuByTree(now);
    // A backend that appeared in between counts from 0; one that left is lost (rare: pools keep theirs while busy).
    return [...after].reduce((sum, [pid, s]) => sum + s - (before.get(pid) ?? 0), 0);
  };
}

interface Published {
  ts: number;
  key: string;
}

/** Every record of `topic`: event id header -> broker timestamps and key; plus the first raw value. */
async function readTopic(config: ConnectionConfig, topic: string, expected: number, groupId: string) {
  const consumer = await connectConsumer(createKafka(config.kafka), { groupId, maxBytesPerPartition: 10 * 1024 * 1024 });
  const byId = new Map<string, Published[]>();
  let first: { value: Buffer; headers: string[]; id: string; idHeaders: number } | undefined;
  let seen = 0;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen} of ${expected} records of ${topic} in 120 s`)), 120_000);
      void consumer.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            // A header given twice comes back as an array; the first is the event id.
            const header = m.headers?.id;
            const id = (Array.isArray(header) ? header[0] : header)?.toString() ?? '(no id header)';
            const list = byId.get(id) ?? [];
            list.push({ ts: Number(m.timestamp), key: m.key?.toString() ?? '' });
            byId.set(id, list);
            first ??= { value: m.value!, headers: Object.keys(m.headers ?? {}), id: JSON.stringify(id), idHeaders: Array.isArray(header) ? header.length : header ? 1 : 0 };
            seen++;
          }
          if (seen >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return { byId, first: first!, seen };
}

async function waitForMessages(admin: Admin, topic: string, expected: number, timeoutMs: number, failure: () => Promise<string | undefined>, onFirst?: () => void) {
  let firstSeen = false;
  let n = 0;
  return pollUntil(
    async () => {
      n = await messagesIn(admin, topic);
      if (n > 0 && !firstSeen) {
        firstSeen = true;
        onFirst?.();
      }
      if (n >= expected) return n;
      const failed = await failure();
      if (failed) throw new Error(failed);
      return undefined;
    },
    { timeoutMs, what: `${expected} records on ${topic}`, onTimeout: () => new Error(`${n} of ${expected} records reached ${topic} within ${timeoutMs / 1000} s`) },
  );
}

/** The publishers compared: the relay polling, the relay streaming the WAL, Debezium. */
type Side = 'relay' | 'relay-wal' | 'debezium';
const SIDE_SUFFIX: Record<Side, string> = { relay: 'r', 'relay-wal': 'w', debezium: 'd' };
const PUBLISHER: Record<Exclude<Side, 'debezium'>, string> = { relay: 'relay (apps/relay, polling)', 'relay-wal': 'relay (apps/relay, RELAY_SOURCE=wal)' };

async function measureSide(
  kind: Side,
  ctx: {
    config: ConnectionConfig;
    adminPool: PgPool;
    install: DebeziumConnectInstall;
    users: number;
    rate: number;
    seconds: number;
    seed: string;
    log: (line: string) => void;
    signal: AbortSignal;
  },
): Promise<SideResult> {
  const { config, log } = ctx;
  const id = `${PREFIX}${Date.now().toString(36)}_${SIDE_SUFFIX[kind]}`;
  const run = await createIsolatedRun(config, id);
  // The WAL relay's slot and publication are the run's own (a slot's name is the server's, not the database's).
  const walSlot = `${id}_wal`;
  const env = { ...run.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...(kind === 'relay-wal' ? { RELAY_SOURCE: 'wal', RELAY_SLOT: walSlot, RELAY_PUBLICATION: walSlot } : {}) };
  // Debezium registers the schema it infers under its topic's subject, which the run's provisioning
  // holds users_created.avsc under (BACKWARD refuses Debezium's): it gets a topic of its own.
  const topic = kind === 'debezium' ? `${id}_dbz` : run.env.TOPIC_USERS_CREATED!;
  const logDir = join(root, '.stack', 'logs', 'bench', id);
  const pool = createPgPool({ ...config.pg, database: id }, { max: 2, applicationName: 'rvd-bench' });
  let relay: AppProcess | undefined;
  let debezium: Awaited<ReturnType<typeof startDebezium>> | undefined;
  let follow: AppProcess | undefined;
  let slotMade = false;
  // An admin of its own: kafkajs keeps refreshing the metadata of every topic an admin has seen, and
  // the other side's topic is deleted when that side ends.
  const admin = await connectAdmin(createKafka(config.kafka));
  try {
    await migrateStaging(pool);
    // Created here for both (3 partitions, as the relay would) so both topics stamp records with the broker's append time.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    });
    if (kind === 'debezium') {
      await createSlotAndPublication(pool, id);
      slotMade = true;
    }
    if (kind === 'relay-wal') {
      // The relay makes its slot (and publishes the empty table's past) once, as on a first start;
      // the backlog staged after it then waits in the slot's WAL, as it does for Debezium.
      slotMade = true;
      // Any free port for its /healthz: the stack's own relay may hold the usual one.
      const once = await runCommand('relay', ['--once'], { ...env, [APP_HTTP_PORT_VARS.relay]: '0' }).done;
      if (once.code !== 0) throw new Error(`relay --once (RELAY_SOURCE=wal) exited with ${once.code}: ${once.stderr.trim().split('\n').at(-1)}`);
    }
    log(`${kind}: staging ${ctx.users} users into ${id}`);
    const staged = ingestGenerated(env, ctx.seed, ctx.users).staged;

    log(`${kind}: publishing the backlog`);
    const t0 = Date.now();
    let rootPid: number;
    if (kind !== 'debezium') {
      relay = await startApp('relay', { logDir, env });
      rootPid = relay.child.pid!;
    } else {
      debezium = await startDebezium({ install: ctx.install, config, runId: id, topic, workDir: join(logDir, 'debezium') });
      rootPid = debezium.child.pid!;
    }
    const tree = new Map([[kind, rootPid]]);
    const cpuNow = () => cpuByTree(tree).get(kind)!;
    const failure = async () => {
      if (ctx.signal.aborted) return 'stopped by a signal';
      if (relay && relay.child.exitCode !== null) return `the relay exited with ${relay.child.exitCode} (log: ${relay.logFile})`;
      return debezium?.failure();
    };
    let cpuAtFirst = 0;
    let pgBacklog: (() => Promise<number>) | undefined;
    let firstAt = 0;
    await waitForMessages(admin, topic, staged, 600_000, failure, () => {
      cpuAtFirst = cpuNow();
      firstAt = Date.now();
      void pgCpu(pool, id).then((f) => (pgBacklog = f));
    });
    const wallMs = Date.now() - t0;
    const cpuBacklog = cpuNow();
    const pgBacklogS = pgBacklog ? await pgBacklog() : NaN;
    log(`${kind}: backlog of ${staged} published ${((Date.now() - firstAt) / 1000).toFixed(1)} s after the first record (${(wallMs / 1000).toFixed(1)} s after start)`);

    log(`${kind}: ${ctx.rate} users/s for ${ctx.seconds} s (ingestor --follow)`);
    follow = await startApp('ingestor', {
      logDir,
      env,
      args: ['--source', 'generator', '--seed', `${ctx.seed}-follow`, '--follow', '--rate', String(ctx.rate)],
    });
    // The clock and the CPU count from the first streamed row: the ingestor's own start (tsx, seconds
    // on a loaded machine) is not the publisher's time.
    const lastSeq = () => outboxLastSeq(pool);
    const backlogSeq = await lastSeq();
    for (const until = Date.now() + 120_000; (await lastSeq()) === backlogSeq; await sleep(100)) {
      if (Date.now() > until || follow.child.exitCode !== null) throw new Error(`the ingestor staged nothing within 120 s (log: ${follow.logFile})`);
    }
    const cpuRate0 = cpuNow();
    const pgRate = await pgCpu(pool, id);
    for (const until = Date.now() + ctx.seconds * 1000; Date.now() < until; await sleep(200)) {
      const failed = (await failure()) ?? (follow.child.exitCode !== null ? `the ingestor exited with ${follow.child.exitCode} (log: ${follow.logFile})` : undefined);
      if (failed) throw new Error(failed);
    }
    await stopApp(follow);
    const total = await outboxRowCount(pool);
    await waitForMessages(admin, topic, total, 300_000, failure);
    const cpuRate = cpuNow() - cpuRate0;
    const pgRateS = await pgRate();

    const outbox = await outboxRowsInOrder(pool);
    const { byId, first, seen } = await readTopic(config, topic, total, `${id}_bench`);
    let missing = 0;
    let duplicates = 0;
    let wrongKey = 0;
    let matched = 0;
    const backlogTs: number[] = [];
    const latencies: number[] = [];
    outbox.forEach((row, i) => {
      const got = byId.get(row.id);
      if (!got) return void missing++;
      matched += got.length;
      duplicates += got.length - 1;
      if (got[0]!.key !== row.aggregateid) wrongKey++;
      if (i < staged) backlogTs.push(got[0]!.ts);
      else latencies.push(got[0]!.ts - row.createdMs);
    });
    latencies.sort((a, b) => a - b);
    const span = Math.max(...backlogTs) - Math.min(...backlogTs);
    const rateRecords = total - staged;

    // Format: the first record decoded through the registry's Confluent-compatible API with our serde.
    const registry = createRegistryClient(config.registry);
    const schemaId = readSchemaId(first.value);
    const sample = (await createAvroSerde<Record<string, unknown>>(registry, topic).deserialize(first.value)) as Record<string, unknown>;
    const writerText = (await registry.getBySubjectAndId(`${topic}-value`, schemaId)).schema;
    const writer = JSON.parse(writerText) as { fields: Array<{ name: string }> };
    // What the Spark job does with each writer id: resolve it to users_created.avsc, the reader.
    let resolves: true | string = true;
    try {
      avro.Type.forSchema(usersCreatedSchema).createResolver(avro.Type.forSchema(JSON.parse(writerText) as avro.Schema));
    } catch (error) {
      resolves = (error as Error).message.split('\n')[0]!.slice(0, 200);
    }
    const versions = await registry.getAllVersions(`${topic}-value`);

    return {
      publisher: kind !== 'debezium' ? PUBLISHER[kind] : `Debezium ${ctx.install.versions.debezium} on Kafka Connect ${ctx.install.versions.connect}`,
      backlog: {
        records: staged,
        recordsPerSec: span > 0 ? (staged * 1000) / span : NaN,
        wallMs,
        cpuUsPerRecord: ((cpuBacklog - cpuAtFirst) * 1e6) / staged,
        cpuUsPerRecordWithStart: (cpuBacklog * 1e6) / staged,
        pgCpuUsPerRecord: (pgBacklogS * 1e6) / staged,
      },
      rate: {
        offered: ctx.rate,
        records: rateRecords,
        p50Ms: percentile(latencies, 50) ?? NaN,
        p99Ms: percentile(latencies, 99) ?? NaN,
        maxMs: latencies.at(-1) ?? NaN,
        cpuUsPerRecord: (cpuRate * 1e6) / rateRecords,
        pgCpuUsPerRecord: (pgRateS * 1e6) / rateRecords,
      },
      delivery: { missing, duplicates, wrongKey, unmatched: seen - matched },
      format: {
        confluentFramed: first.value[0] === 0,
        schemaIds: [schemaId],
        subjectVersions: versions.length,
        fields: writer.fields.map((f) => f.name),
        sample,
        headers: first.headers,
        idHeader: first.id,
        idHeaders: first.idHeaders,
        resolvesToUsersCreated: resolves,
      },
    };
  } finally {
    if (follow) await stopApp(follow);
    if (relay) await stopApp(relay);
    await debezium?.stop();
    // Always, also on failure: a leftover slot holds WAL forever (and keeps the database from being dropped).
    const slot = kind === 'relay-wal' ? walSlot : slotName(id);
    if (slotMade && (await dropSlot(ctx.adminPool, slot))) log(`${kind}: dropped replication slot ${slot}`);
    await pool.end();
    if (kind === 'debezium') await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await run.drop().catch((error: unknown) => log(`${kind}: could not drop ${id}: ${String(error)}`));
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** How Debezium's records compare with the relay's: framing, schema, fields, headers. */
function formatNotes(r: RelayVsDebeziumResult): string[] {
  const ours = new Set(r.relay.format.fields);
  const theirs = r.debezium.format.fields;
  const wanted = (usersCreatedSchema as { fields: Array<{ name: string }> }).fields.map((f) => f.name);
  const sameFields = theirs.length === wanted.length && theirs.every((f) => wanted.includes(f));
  const d = r.debezium.format;
  const sampleKeys = Object.keys(d.sample);
  return [
    `- relay: Confluent wire format ${r.relay.format.confluentFramed ? 'yes' : 'NO'}, schema id ${r.relay.format.schemaIds.join(', ')} (users_created.avsc, ${r.relay.format.subjectVersions} version(s) under the subject), headers ${r.relay.format.headers.join(', ')} (${r.relay.format.idHeaders} id header(s)).`,
    `- Debezium: **Avro** in the Confluent wire format ${d.confluentFramed ? 'yes' : 'NO'} (Apicurio's AvroConverter ${r.versions.apicurioConverter}, registered through the registry's v2 API, read back by id through the Confluent-compatible API with our own serde), key = aggregateid, headers ${d.headers.join(', ')} (${d.idHeaders} id header(s)).`,
    `- But the schema is **not users_created.avsc**: Debezium infers it from each expanded JSON payload (record \`payload\`, every field an optional union, jsonb's key order${sameFields ? '' : `, fields ${theirs.filter((f) => !ours.has(f)).join(', ') || 'none extra'}; missing ${wanted.filter((f) => !theirs.includes(f)).join(', ') || 'none'}`}); ${d.subjectVersions} version(s) were auto-registered under its subject (a user without a national id gives another schema). The first record decoded to ${sampleKeys.length} fields. A users_created.avsc reader (the Spark job's) resolving its writer schema: ${d.resolvesToUsersCreated === true ? 'resolves' : `**fails** (${d.resolvesToUsersCreated})`}; the relay's: ${r.relay.format.resolvesToUsersCreated === true ? 'resolves' : `fails (${r.relay.format.resolvesToUsersCreated})`}. Writing with the registered users_created.avsc instead (find-latest, no auto-register) fails in Connect: Apicurio's serializer writes the inferred record by field position.`,
  ];
}

export function renderMarkdown(r: RelayVsDebeziumResult): string {
  const a = r.relay;
  const w = r.relayWal;
  const b = r.debezium;
  const row = (label: string, x: number, v: number, y: number, digits = 0, better: 'higher' | 'lower' = 'lower') =>
    `| ${label} | ${fmt(x, digits)} | ${fmt(v, digits)} | ${fmt(y, digits)} | ${ratio(x, y)} | ${ratio(v, y)} | ${better} |`;
  const pick = (f: (s: SideResult) => number) => [f(a), f(w), f(b)] as const;
  return [
    `### Relay vs Debezium: ${fmt(r.users)} users of backlog, then ${fmt(r.rate)} users/s for ${r.seconds} s`,
    '',
    `${b.publisher}, outbox event router, Apicurio AvroConverter ${r.versions.apicurioConverter}; each alone on its own database and topic (LogAppendTime); load average ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)} on this shared 2-core machine, so the figures are noisy.`,
    '',
    '| | relay, polling | relay, WAL | Debezium | polling / Debezium | WAL / Debezium | better |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    row('backlog: records/s (first -> last broker append time)', ...pick((s) => s.backlog.recordsPerSec), 0, 'higher'),
    row('backlog: s from the publisher\'s start to the last record', ...pick((s) => s.backlog.wallMs / 1000), 1),
    row('backlog: CPU µs / record, process tree (first -> last record)', ...pick((s) => s.backlog.cpuUsPerRecord)),
    row('backlog: CPU µs / record, process tree with its start-up', ...pick((s) => s.backlog.cpuUsPerRecordWithStart)),
    row('backlog: CPU µs / record, its PostgreSQL backends', ...pick((s) => s.backlog.pgCpuUsPerRecord)),
    row(`${fmt(r.rate)}/s: staged -> published p50 ms`, ...pick((s) => s.rate.p50Ms)),
    row(`${fmt(r.rate)}/s: staged -> published p99 ms`, ...pick((s) => s.rate.p99Ms)),
    row(`${fmt(r.rate)}/s: staged -> published max ms`, ...pick((s) => s.rate.maxMs)),
    row(`${fmt(r.rate)}/s: CPU µs / record, process tree`, ...pick((s) => s.rate.cpuUsPerRecord)),
    row(`${fmt(r.rate)}/s: CPU µs / record, its PostgreSQL backends`, ...pick((s) => s.rate.pgCpuUsPerRecord)),
    `| ${fmt(r.rate)}/s: records published | ${fmt(a.rate.records)} | ${fmt(w.rate.records)} | ${fmt(b.rate.records)} | | | |`,
    ...(a.delivery.unmatched + w.delivery.unmatched + b.delivery.unmatched > 0 ? [`| first id header read | ${a.format.idHeader} | ${w.format.idHeader} | ${b.format.idHeader} | | | |`] : []),
    `| delivery: missing / duplicates / wrong key / unmatched | ${Object.values(a.delivery).join(' / ')} | ${Object.values(w.delivery).join(' / ')} | ${Object.values(b.delivery).join(' / ')} | | | |`,
    '',
    '**Topic format**',
    '',
    ...formatNotes(r),
    '',
  ].join('\n');
}

/** The three sides, one after the other, on the running local stack. */
export async function runRelayVsDebezium(opts: RelayVsDebeziumOptions = {}): Promise<RelayVsDebeziumResult> {
  const users = opts.users ?? 20_000;
  const rate = opts.rate ?? 1_000;
  const seconds = opts.seconds ?? 20;
  const log = opts.log ?? ((line: string) => console.error(`relay-vs-debezium: ${line}`));
  const config = loadConnectionConfig();
  const install = installDebeziumConnect();
  const adminPool = createPgPool({ ...config.pg, database: 'postgres' }, { max: 1, applicationName: 'rvd-bench' });
  const load0 = loadavg()[0]!;
  try {
    const leftovers = await dropLeftoverSlots(adminPool, PREFIX);
    if (leftovers.length) log(`dropped replication slots an earlier killed run left: ${leftovers.join(', ')}`);
    // The same users on both sides: one seed for the backlog, one for the stream.
    const seed = `rvd-${Date.now().toString(36)}`;
    const ctx = { config, adminPool, install, users, rate, seconds, seed, log, signal: opts.signal ?? new AbortController().signal };
    const relay = await measureSide('relay', ctx);
    const relayWal = await measureSide('relay-wal', ctx);
    const debezium = await measureSide('debezium', ctx);
    const result: RelayVsDebeziumResult = { users, rate, seconds, versions: install.versions, relay, relayWal, debezium, load: [load0, loadavg()[0]!], markdown: '' };
    result.markdown = renderMarkdown(result);
    return result;
  } finally {
    await adminPool.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [users, rate, seconds] = process.argv.slice(2).map(Number);
  // A stop signal ends the run through its finally blocks (Connect stopped, slot dropped), not mid-way.
  const abort = new AbortController();
  const stop = () => {
    console.error('relay-vs-debezium: stopping: Connect and the relay stop, the slot and the run database are dropped');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  runRelayVsDebezium({ users: users || undefined, rate: rate || undefined, seconds: seconds || undefined, signal: abort.signal })
    .then((r) => console.log(`\n${r.markdown}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
