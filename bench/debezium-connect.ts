/**
 * Debezium's PostgreSQL connector with its outbox event router, run as users run it: Kafka Connect
 * standalone (`ConnectStandalone worker.properties connector.properties`), the connector and
 * Apicurio's Avro converter under `plugin.path`. The jars come from Maven Central through the
 * stack's installer (tools/local-stack/src/debezium-connect.ts), called as a subprocess like the
 * stack's CLI, so the bench needs no build-time link to the stack tool.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@streamline/app-runner';
import type { PgPool } from '@streamline/clients';
import type { ConnectionConfig } from '@streamline/config';
import type { DebeziumConnectInstall } from '@streamline/stack-control';
import { describeError, pollUntil } from '@streamline/runtime';
import { root, tsx } from './local-run.js';

export type { DebeziumConnectInstall };

/** Installs Connect + Debezium + the Apicurio converter on first use (progress on stderr) and says where. */
export function installDebeziumConnect(): DebeziumConnectInstall {
  const res = spawnSync(tsx, [join(root, 'tools', 'local-stack', 'src', 'debezium-connect.ts'), 'install'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = res.stdout?.trim().split('\n').pop();
  if (res.status !== 0 || !line) throw new Error(`installing Kafka Connect with Debezium failed (exit ${res.status})`);
  return JSON.parse(line) as DebeziumConnectInstall;
}

/** Slot and publication names of a run: PostgreSQL's identifier rules (lowercase, digits, `_`). */
export const slotName = (runId: string) => `${runId}_dbz`;

/**
 * The logical replication slot (pgoutput) and the publication of the outbox alone, made by the
 * bench rather than by the connector so that their lifetime is the bench's: the slot exists before
 * the backlog is staged (Debezium then streams it from the WAL, snapshot.mode=no_data) and is
 * dropped in the bench's `finally` (a leftover slot holds WAL forever).
 */
export async function createSlotAndPublication(pool: PgPool, runId: string): Promise<void> {
  await pool.query(`CREATE PUBLICATION ${slotName(runId)} FOR TABLE public.outbox`);
  await pool.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slotName(runId)]);
}

/**
 * Drops a run's slot, waiting for its walsender to let go (a slot in use cannot be dropped; our
 * Connect is stopped by then, so a walsender still holding it after `timeoutMs` is ended). The
 * publication goes with the database. True when there was a slot to drop.
 */
export async function dropSlot(adminPool: PgPool, slot: string, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await adminPool.query<{ active: boolean; active_pid: number | null }>('SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    if (rows.length === 0) return false;
    if (!rows[0]!.active) {
      await adminPool.query('SELECT pg_drop_replication_slot($1)', [slot]);
      return true;
    }
    if (Date.now() > deadline) await adminPool.query('SELECT pg_terminate_backend($1)', [rows[0]!.active_pid]);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Slots (and their databases) that a killed run of this bench left behind: named `<prefix><base36
 * ms>_…_dbz`, inactive, and older than `minAgeMs`, so a run starting beside us (whose slot waits
 * for its Connect) is never touched.
 */
export async function dropLeftoverSlots(adminPool: PgPool, prefix: string, minAgeMs = 3_600_000): Promise<string[]> {
  const { rows } = await adminPool.query<{ slot_name: string; database: string }>(
    'SELECT slot_name, database FROM pg_replication_slots WHERE NOT active AND starts_with(slot_name, $1)',
    [prefix],
  );
  const dropped: string[] = [];
  for (const row of rows) {
    const started = parseInt(row.slot_name.slice(prefix.length).split('_')[0] ?? '', 36);
    // Debezium's slots and the WAL relay's (bench/relay-vs-debezium.bench.ts names both).
    if (!/_(dbz|wal)$/.test(row.slot_name) || !(Date.now() - started > minAgeMs)) continue;
    await adminPool.query('SELECT pg_drop_replication_slot($1)', [row.slot_name]);
    await adminPool.query(`DROP DATABASE IF EXISTS "${row.database}" WITH (FORCE)`);
    dropped.push(row.slot_name);
  }
  return dropped;
}

export interface DebeziumOptions {
  install: DebeziumConnectInstall;
  config: ConnectionConfig;
  /** The isolated run's database (and slot/publication prefix). */
  runId: string;
  /** The topic `aggregatetype = user` is routed to (what RELAY_ROUTES says for the relay). */
  topic: string;
  workDir: string;
}

export interface DebeziumProcess {
  child: ChildProcess;
  logFile: string;
  restUrl: string;
  /** Why the process, the connector or its task stopped working; undefined while it runs. */
  failure(): Promise<string | undefined>;
  stop(): Promise<void>;
}

const props = (entries: Record<string, string | number | boolean>) =>
  `${Object.entries(entries)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')}\n`;

/** The connector, as apps/relay/README.md shows it, with this run's database, slot and topic. */
export function connectorProperties(opts: Pick<DebeziumOptions, 'config' | 'runId' | 'topic'>): Record<string, string | number | boolean> {
  const { pg, registry } = opts.config;
  return {
    name: `${opts.runId}-outbox`,
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': 1,
    'plugin.name': 'pgoutput',
    'database.hostname': pg.host,
    'database.port': pg.port,
    'database.user': pg.user,
    'database.password': pg.password,
    'database.dbname': opts.runId,
    'topic.prefix': opts.runId,
    'table.include.list': 'public.outbox',
    'slot.name': slotName(opts.runId),
    'publication.name': slotName(opts.runId),
    // Made by the bench (createSlotAndPublication), so the connector neither creates nor drops them.
    'publication.autocreate.mode': 'disabled',
    'slot.drop.on.stop': false,
    // The backlog is in the slot's WAL: stream it, no table snapshot.
    'snapshot.mode': 'no_data',
    'skipped.operations': 'u,d,t',
    // Debezium 3 adds four `__debezium.context.*` headers to every record; the relay's records carry
    // only id and type, so the two topics hold the same records.
    'extended.headers.enabled': false,
    transforms: 'outbox,topic',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.table.field.event.id': 'id',
    'transforms.outbox.table.field.event.key': 'aggregateid',
    'transforms.outbox.table.field.event.payload': 'payload',
    'transforms.outbox.route.by.field': 'aggregatetype',
    // aggregatetype `user` -> outbox.event.user -> the run's users_created topic.
    'transforms.outbox.route.topic.replacement': 'outbox.event.${routedByValue}',
    // The type as a header, beside the `id` header the router sets itself: the relay's two headers.
    'transforms.outbox.table.fields.additional.placement': 'type:header:type',
    // jsonb arrives as a JSON string; expanded, it becomes a struct, i.e. an Avro record.
    'transforms.outbox.table.expand.json.payload': true,
    'transforms.topic.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.topic.regex': 'outbox\\.event\\.user',
    'transforms.topic.replacement': opts.topic,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    // Apicurio's converter in the Confluent wire format: magic byte 0 and the 4-byte content id in the
    // value (no id headers), the id the registry's Confluent-compatible API (and our relay) uses.
    'value.converter': 'io.apicurio.registry.utils.converter.AvroConverter',
    'value.converter.apicurio.registry.url': registry.url.replace(/\/apis\/ccompat\/v\d+\/?$/, '/apis/registry/v2'),
    // The schema is the one Debezium infers from each expanded JSON payload, registered on first use.
    // Writing with the registered users_created schema instead (find-latest, as apps/relay/README.md
    // suggests for Confluent's converter) fails here: Apicurio's serializer writes the inferred
    // record by field position, and jsonb's key order is not the schema's (ClassCastException at
    // UserCreated.gender).
    'value.converter.apicurio.registry.auto-register': true,
    'value.converter.apicurio.registry.as-confluent': true,
    'value.converter.apicurio.registry.use-id': 'contentId',
    'value.converter.apicurio.registry.headers.enabled': false,
    // The registry's login (HTTP Basic), when it asks for one.
    ...(registry.auth ? { 'value.converter.apicurio.auth.username': registry.auth.username, 'value.converter.apicurio.auth.password': registry.auth.password } : {}),
  };
}

/** Starts Connect standalone with the connector; resolves once its REST API reports the task RUNNING. */
export async function startDebezium(opts: DebeziumOptions): Promise<DebeziumProcess> {
  mkdirSync(opts.workDir, { recursive: true });
  const port = await freePort();
  const { kafka } = opts.config;
  const sasl: Record<string, string> = kafka.sasl
    ? {
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': kafka.sasl.mechanism.toUpperCase(),
        'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${kafka.sasl.username}" password="${kafka.sasl.password}";`,
      }
    : {};
  const worker: Record<string, string | number | boolean> = {
    'bootstrap.servers': kafka.brokers.join(','),
    ...sasl,
    ...Object.fromEntries(Object.entries(sasl).map(([k, v]) => [`producer.${k}`, v])),
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': join(opts.workDir, 'connect.offsets'),
    'offset.flush.interval.ms': 1000,
    'plugin.path': opts.install.pluginPath,
    // ServiceLoader manifests instead of a reflection scan of every jar (~50 s per start here).
    'plugin.discovery': 'service_load',
    listeners: `http://127.0.0.1:${port}`,
    // The bench creates the topic (3 partitions, LogAppendTime) as the relay's is; Connect must not.
    'topic.creation.enable': false,
  };
  const workerFile = join(opts.workDir, 'worker.properties');
  const connectorFile = join(opts.workDir, 'connector.properties');
  const log4jFile = join(opts.workDir, 'log4j.properties');
  writeFileSync(workerFile, props(worker));
  writeFileSync(connectorFile, props(connectorProperties(opts)));
  writeFileSync(
    log4jFile,
    props({
      'log4j.rootLogger': 'INFO, stdout',
      'log4j.appender.stdout': 'org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout': 'org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern': '[%d] %p %m (%c)%n',
      // Plugin scanning and config dumps are noise at INFO.
      'log4j.logger.org.reflections': 'ERROR',
      'log4j.logger.org.apache.kafka.clients': 'WARN',
      'log4j.logger.org.apache.kafka.common.config.AbstractConfig': 'WARN',
    }),
  );
  const logFile = join(opts.workDir, 'connect.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  // The flags of Kafka's own kafka-run-class.sh and connect-standalone.sh (heap up to 2G; 1G here, a shared machine).
  const args = [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jFile}`,
    '-cp',
    `${opts.install.lib}/*`,
    'org.apache.kafka.connect.cli.ConnectStandalone',
    workerFile,
    connectorFile,
  ];
  const child = spawn(opts.install.java, args, { cwd: opts.workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => log.end());
  const restUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM: Connect stops the task (the connector commits its offsets) and exits.
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  const name = `${opts.runId}-outbox`;
  const state = async (): Promise<'starting' | 'running' | { failed: string }> => {
    if (child.exitCode !== null || child.signalCode !== null) return { failed: `Kafka Connect exited (${child.exitCode ?? child.signalCode})` };
    let status: { connector: { state: string; trace?: string }; tasks: Array<{ state: string; trace?: string }> };
    try {
      const res = await fetch(`${restUrl}/connectors/${name}/status`);
      if (!res.ok) return 'starting';
      status = (await res.json()) as typeof status;
    } catch {
      return 'starting'; // REST API not up yet
    }
    const failed = [status.connector, ...status.tasks].find((s) => s.state === 'FAILED');
    if (failed) return { failed: `Debezium connector failed: ${(failed.trace ?? '').split('\n').slice(0, 3).join(' | ')}` };
    return status.connector.state === 'RUNNING' && status.tasks.some((t) => t.state === 'RUNNING') ? 'running' : 'starting';
  };
  try {
    await pollUntil(
      async () => {
        const now = await state();
        if (typeof now === 'object') throw new Error(now.failed);
        return now === 'running';
      },
      { timeoutMs: 240_000, intervalMs: 500, what: 'the connector', onTimeout: () => new Error('Kafka Connect did not run the connector within 240 s') },
    );
  } catch (error) {
    await stop();
    throw new Error(`${describeError(error)} (log: ${logFile})`);
  }
  const failure = async () => {
    const now = await state();
    return typeof now === 'object' ? `${now.failed} (log: ${logFile})` : undefined;
  };
  return { child, logFile, restUrl, failure, stop };
}
