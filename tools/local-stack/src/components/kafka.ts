import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAdmin, createKafka } from '@streamline/clients';
import type { StackConfig } from '../config.js';
import { probe, type Component, type StackContext } from '../component.js';
import { javaLaunch, log4jProperties, serverJvmFlags } from '../jvm.js';
import { resolveWithMaven } from '../maven.js';
import { ensureDir } from '../paths.js';
import { runCommand } from '../run-command.js';

/** 3.9 is the last line that runs both KRaft and ZooKeeper, and speaks every protocol kafkajs uses. */
export const KAFKA_VERSION = '3.9.1';

// KRaft and ZooKeeper metadata cannot share a log dir: each mode keeps its own data.
const dataDir = (ctx: StackContext) => ctx.paths.data(`kafka-${ctx.config.kafkaMode}`);
const confDir = (ctx: StackContext) => ensureDir(join(dataDir(ctx), 'conf'));

export function serverProperties(config: StackConfig, logDir: string): string {
  const { host, ports } = config;
  const common = [
    `log.dirs=${logDir}`,
    `advertised.listeners=PLAINTEXT://${host}:${ports.kafka}`,
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
      `listeners=PLAINTEXT://${host}:${ports.kafka}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT',
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
    `listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
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
  installKey: `kafka_2.13-${KAFKA_VERSION}`,
  installLane: 'maven',
  enabled: () => true,
  port: (config) => config.ports.kafka,
  dependsOn: (config) => (config.kafkaMode === 'zookeeper' ? ['zookeeper'] : []),
  async install(ctx) {
    await resolveWithMaven({
      name: 'kafka',
      artifacts: [
        { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: KAFKA_VERSION },
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
  health: (ctx) =>
    probe(async () => {
      const admin = await connectAdmin(createKafka({ ...ctx.config.connections.kafka, clientId: 'stack-health' }, undefined, { quiet: true }));
      try {
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('broker metadata lists no broker');
        return `${cluster.brokers.length} broker(s), controller ${cluster.controller}, ${ctx.config.kafkaMode} mode`;
      } finally {
        await admin.disconnect();
      }
    }, 10_000),
};
