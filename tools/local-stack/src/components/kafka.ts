import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAdmin, createKafka } from '@streamline/clients';
import { provisionTopics } from '@streamline/provisioning';
import { readStackCredentials } from '@streamline/config';
import type { StackConfig } from '../config.js';
import { probe, type Component, type StackContext } from '../component.js';
import { javaArgFileText, javaLaunch, log4jProperties, serverJvmFlags } from '../jvm.js';
import { resolveWithMaven } from '../maven.js';
import { ensureDir } from '../paths.js';
import { runCommand } from '../run-command.js';

/** 3.9 is the last line that runs both KRaft and ZooKeeper, and speaks every protocol kafkajs uses. */
export const KAFKA_VERSION = '3.9.1';

// KRaft and ZooKeeper metadata cannot share a log dir: each mode keeps its own data.
const dataDir = (ctx: StackContext) => ctx.paths.data(`kafka-${ctx.config.kafkaMode}`);
const confDir = (ctx: StackContext) => ensureDir(join(dataDir(ctx), 'conf'));

/** SCRAM mechanisms the SASL listener offers (kafkajs and the Java client speak both). */
const SCRAM = ['SCRAM-SHA-512', 'SCRAM-SHA-256'];

export function serverProperties(config: StackConfig, logDir: string): string {
  const { host, ports } = config;
  const sasl = [
    `sasl.enabled.mechanisms=${SCRAM.join(',')}`,
    ...SCRAM.map((m) => `listener.name.sasl_plaintext.${m.toLowerCase()}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`),
  ];
  const common = [
    `log.dirs=${logDir}`,
    // PLAINTEXT for the local apps by default; SASL_PLAINTEXT with SCRAM for clients set up with KAFKA_SASL_*.
    `advertised.listeners=PLAINTEXT://${host}:${ports.kafka},SASL_PLAINTEXT://${host}:${ports.kafkaSasl}`,
    ...sasl,
    'inter.broker.listener.name=PLAINTEXT',
    'num.partitions=3',
    'default.replication.factor=1',
    'offsets.topic.replication.factor=1',
    // One partition: the first consumer group is ready in ~0.3 s instead of ~1.3 s.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'min.insync.replicas=1',
    // Consumers join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose (with their partition counts), never by a typo.
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    'num.network.threads=2',
    'num.io.threads=4',
  ];
  if (config.kafkaMode === 'zookeeper') {
    return [
      'broker.id=0',
      `listeners=PLAINTEXT://${host}:${ports.kafka},SASL_PLAINTEXT://${host}:${ports.kafkaSasl}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      `zookeeper.connect=${host}:${ports.zookeeper}`,
      'zookeeper.connection.timeout.ms=18000',
      ...common,
      '',
    ].join('\n');
  }
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${ports.kafkaController}`,
    `listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController},SASL_PLAINTEXT://${host}:${ports.kafkaSasl}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    ...common,
    '',
  ].join('\n');
}

function jvmFlags(ctx: StackContext): string[] {
  return [
    ...serverJvmFlags(ctx.config.heaps.kafka),
    `-Dlog4j.configuration=file:${join(confDir(ctx), 'log4j.properties')}`,
    `-Dkafka.logs.dir=${join(dataDir(ctx), 'server-logs')}`,
  ];
}

/** Apache Kafka from Maven Central jars: KRaft (broker + controller in one process) or ZooKeeper mode. */
export const kafka: Component = {
  name: 'kafka',
  installKey: `kafka_2.13-${KAFKA_VERSION}+tools`,
  installLane: 'maven',
  enabled: () => true,
  port: (config) => config.ports.kafka,
  dependsOn: (config) => (config.kafkaMode === 'zookeeper' ? ['zookeeper'] : []),
  async install(ctx) {
    await resolveWithMaven({
      name: 'kafka',
      artifacts: [
        { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: KAFKA_VERSION },
        // kafka-topics, kafka-consumer-groups (`npm run stack -- kafka-topics ...`).
        { groupId: 'org.apache.kafka', artifactId: 'kafka-tools', version: KAFKA_VERSION },
        // The broker ships no logging backend of its own (see Kafka's dependencies.gradle).
        { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
      ],
      outDir: join(ctx.paths.dist('kafka'), 'lib'),
      mavenRepo: ctx.paths.mavenRepo,
      logFile: ctx.paths.log('install-kafka'),
      reporter: ctx.reporter,
    });
  },
  async prepare(ctx) {
    const logDir = ensureDir(join(dataDir(ctx), 'log'));
    const props = join(confDir(ctx), 'server.properties');
    writeFileSync(props, serverProperties(ctx.config, logDir));
    writeFileSync(join(confDir(ctx), 'log4j.properties'), log4jProperties());
    if (ctx.config.kafkaMode === 'zookeeper' || existsSync(join(logDir, 'meta.properties'))) return;
    // KRaft: the log dir must be formatted once with a cluster id.
    const idFile = join(dataDir(ctx), 'cluster-id');
    if (!existsSync(idFile)) {
      const tool = javaLaunch(ctx, 'kafka', jvmFlags(ctx), ['kafka.tools.StorageTool', 'random-uuid']);
      const out = await runCommand(tool.command, tool.args);
      writeFileSync(idFile, out.trim().split('\n').pop()!.trim());
    }
    const clusterId = readFileSync(idFile, 'utf8').trim();
    const format = javaLaunch(ctx, 'kafka', jvmFlags(ctx), ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '--ignore-formatted']);
    await runCommand(format.command, format.args, { logFile: ctx.paths.log('kafka') });
  },
  launch(ctx) {
    return javaLaunch(ctx, 'kafka', jvmFlags(ctx), ['kafka.Kafka', join(confDir(ctx), 'server.properties')]);
  },
  stopTimeoutMs: 60_000,
  afterStart: async (ctx) => {
    await ensureScramUser(ctx);
    await provisionStackTopics(ctx);
  },
  health: (ctx) =>
    probe(async () => {
      const admin = await connectAdmin(createKafka(plainConnection(ctx), undefined, { quiet: true }));
      try {
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('broker metadata lists no broker');
        return `${cluster.brokers.length} broker(s), controller ${cluster.controller}, ${ctx.config.kafkaMode} mode`;
      } finally {
        await admin.disconnect();
      }
    }, 10_000),
};

/** The pipeline's topics (libs/provisioning), before any app starts: the apps only check for them. */
async function provisionStackTopics(ctx: StackContext): Promise<void> {
  const { topics, topicLayout } = ctx.config.pipeline;
  const created = await provisionTopics(ctx.config.connections.kafka, topics, topicLayout);
  if (created.length > 0) ctx.reporter.step('kafka', `created the pipeline's topics ${created.join(', ')} (${topicLayout.partitions} partitions each)`);
}

/** The stack's own calls go to the PLAINTEXT listener, whatever SASL settings the clients have. */
function plainConnection(ctx: StackContext) {
  const { sasl: _sasl, ...plain } = ctx.config.connections.kafka;
  return { ...plain, brokers: [`${ctx.config.host}:${ctx.config.ports.kafka}`], clientId: 'stack-health' };
}

/**
 * The SCRAM login of the SASL listener: the stack's generated user and password, set with Kafka's
 * own ConfigCommand (KIP-554, both modes) whenever the password is new to this broker (a digest
 * marks the one set). Never written to a log.
 */
/** ConfigCommand setting one SCRAM mechanism's login: the command line names only the argument file, which holds the password. */
export function scramUserLaunch(ctx: StackContext, creds: { username: string; password: string }, mechanism: string, dir: string) {
  const argFile = join(dir, `${mechanism}.args`);
  const launch = javaLaunch(ctx, 'kafka', jvmFlags(ctx), [`@${argFile}`]);
  const argFileText = javaArgFileText([
    'kafka.admin.ConfigCommand',
    '--bootstrap-server', `${ctx.config.host}:${ctx.config.ports.kafka}`,
    '--alter', '--entity-type', 'users', '--entity-name', creds.username,
    '--add-config', `${mechanism}=[iterations=4096,password=${creds.password}]`,
  ]);
  return { launch, argFile, argFileText };
}

async function ensureScramUser(ctx: StackContext): Promise<void> {
  const creds = readStackCredentials({ STREAMLINE_STACK_DIR: ctx.paths.root })?.kafka;
  if (!creds) return;
  const marker = join(dataDir(ctx), 'scram-user');
  const digest = createHash('sha256').update(`${creds.username}:${creds.password}`).digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === digest) return;
  // ConfigCommand takes SCRAM credentials only in --add-config (its config file form is refused),
  // one mechanism per request; the arguments go through a java argument file (mode 600 in a private
  // directory, removed after) so the password is on no command line.
  const dir = mkdtempSync(join(tmpdir(), 'stack-scram-'));
  try {
    for (const mechanism of SCRAM) {
      const { launch, argFile, argFileText } = scramUserLaunch(ctx, creds, mechanism, dir);
      writeFileSync(argFile, argFileText, { mode: 0o600 });
      // Its output is kept out of the log: an error message would quote the password.
      await runCommand(launch.command, launch.args).catch((error: unknown) => {
        const said = String((error as Error).message).split(creds.password).join('***').split('\n').filter((l) => /Exception|Error|Invalid/.test(l));
        throw new Error(`setting the ${mechanism} login of ${creds.username} failed: ${said.slice(-2).join(' | ') || 'see above'}`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(marker, digest, { mode: 0o600 });
}
