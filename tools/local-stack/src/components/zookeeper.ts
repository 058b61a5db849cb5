import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { probe, type Component, type StackContext } from '../component.js';
import { javaLaunch, serverJvmFlags } from '../jvm.js';
import { resolveWithMaven } from '../maven.js';
import { ensureDir } from '../paths.js';

export const ZOOKEEPER_VERSION = '3.9.5';

const dataDir = (ctx: StackContext) => ctx.paths.data('zookeeper');

const LOGBACK = `<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{ISO8601} - %-5p [%t:%C{1}@%L] - %m%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`;

/** Sends a four-letter command and returns the answer (ZooKeeper's own health probe). */
function fourLetter(host: string, port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port }, () => socket.write(command));
    let answer = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Apache ZooKeeper from Maven Central; started only when KAFKA_MODE=zookeeper (the seed's setup). */
export const zookeeper: Component = {
  name: 'zookeeper',
  installKey: `zookeeper-${ZOOKEEPER_VERSION}+logback`,
  installLane: 'maven',
  enabled: (config) => config.kafkaMode === 'zookeeper',
  port: (config) => config.ports.zookeeper,
  dependsOn: () => [],
  async install(ctx) {
    await resolveWithMaven({
      name: 'zookeeper',
      artifacts: [
        { groupId: 'org.apache.zookeeper', artifactId: 'zookeeper', version: ZOOKEEPER_VERSION },
        // ZooKeeper logs through SLF4J 2 but ships no backend; the server also needs the metrics
        // library its POM marks "provided" (NoClassDefFoundError: com/codahale/metrics/Reservoir).
        { groupId: 'ch.qos.logback', artifactId: 'logback-classic', version: '1.3.15' },
        { groupId: 'io.dropwizard.metrics', artifactId: 'metrics-core', version: '4.1.12.1' },
        { groupId: 'org.xerial.snappy', artifactId: 'snappy-java', version: '1.1.10.5' },
      ],
      outDir: join(ctx.paths.dist('zookeeper'), 'lib'),
      mavenRepo: ctx.paths.mavenRepo,
      logFile: ctx.paths.log('install-zookeeper'),
      reporter: ctx.reporter,
    });
  },
  async prepare(ctx) {
    const dir = ensureDir(dataDir(ctx));
    writeFileSync(
      join(dir, 'zoo.cfg'),
      [
        `dataDir=${ensureDir(join(dir, 'data'))}`,
        `clientPort=${ctx.config.ports.zookeeper}`,
        `clientPortAddress=${ctx.config.host}`,
        'maxClientCnxns=0',
        'admin.enableServer=false',
        '4lw.commands.whitelist=ruok,srvr',
        'tickTime=2000',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'logback.xml'), LOGBACK);
  },
  launch(ctx) {
    return javaLaunch(
      ctx,
      'zookeeper',
      [...serverJvmFlags(ctx.config.heaps.zookeeper), `-Dlogback.configurationFile=file:${join(dataDir(ctx), 'logback.xml')}`],
      ['org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dataDir(ctx), 'zoo.cfg')],
    );
  },
  health: (ctx) =>
    probe(async () => {
      // `ruok` answers imok before the server serves; `srvr` tells the mode only once it does.
      const answer = await fourLetter(ctx.config.host, ctx.config.ports.zookeeper, 'srvr');
      const mode = /Mode: (\w+)/.exec(answer)?.[1];
      if (!mode) throw new Error(answer.trim().split('\n')[0] || 'no answer to srvr');
      return `serving, mode ${mode}`;
    }),
};
