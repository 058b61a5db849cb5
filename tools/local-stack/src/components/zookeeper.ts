import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { probe, type Component, type StackContext } from '../component.js';
import { javaLaunch, log4jProperties, serverJvmFlags } from '../jvm.js';
import { resolveWithMaven } from '../maven.js';
import { ensureDir } from '../paths.js';

export const ZOOKEEPER_VERSION = '3.9.5';

const dataDir = (ctx: StackContext) => ctx.paths.data('zookeeper');

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
  installKey: `zookeeper-${ZOOKEEPER_VERSION}`,
  installLane: 'maven',
  enabled: (config) => config.kafkaMode === 'zookeeper',
  port: (config) => config.ports.zookeeper,
  dependsOn: () => [],
  async install(ctx) {
    await resolveWithMaven({
      name: 'zookeeper',
      artifacts: [{ groupId: 'org.apache.zookeeper', artifactId: 'zookeeper', version: ZOOKEEPER_VERSION }],
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
        '4lw.commands.whitelist=ruok,srvr,stat',
        'tickTime=2000',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'log4j.properties'), log4jProperties());
  },
  launch(ctx) {
    return javaLaunch(
      ctx,
      'zookeeper',
      [...serverJvmFlags(ctx.config.heaps.zookeeper), `-Dlog4j.configuration=file:${join(dataDir(ctx), 'log4j.properties')}`],
      ['org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dataDir(ctx), 'zoo.cfg')],
    );
  },
  health: (ctx) =>
    probe(async () => {
      const answer = await fourLetter(ctx.config.host, ctx.config.ports.zookeeper, 'ruok');
      if (answer.trim() !== 'imok') throw new Error(`ruok answered ${JSON.stringify(answer)}`);
      return 'ruok: imok';
    }),
};
