/**
 * Kafka Connect with Debezium's PostgreSQL connector and Apicurio's Avro converter, installed from
 * Maven Central into the stack folder (`.stack/dist/debezium-connect`) the way users deploy them:
 * the Connect runtime on the classpath, the connector and the converter each in its own folder
 * under `plugin.path` (Connect loads each plugin in its own class loader, so their Jackson and
 * Avro versions don't clash). Not a stack component: only the bench that runs Debezium beside the
 * relay needs it, so it installs on that bench's first use.
 *
 *   npx tsx tools/local-stack/src/debezium-connect.ts install   # progress on stderr, JSON on stdout
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { describeError } from '@streamline/runtime';
import { loadStackConfig } from './config.js';
import { resolveWithMaven, type MavenArtifact } from './maven.js';
import { ensureDir, stackPaths } from './paths.js';
import { findJava17, requireMaven } from './prerequisites.js';
import { createReporter, type Reporter } from './reporter.js';
import type { DebeziumConnectInstall } from '@streamline/stack-control';

export const DEBEZIUM_VERSION = '3.6.1.Final';
/** Debezium 3.6.1 is built against Kafka 4.3.0 (debezium-build-parent's version.kafka); its clients talk to our 3.9 broker. */
export const CONNECT_VERSION = '4.3.0';
/**
 * Apicurio's 3.x converter jars are only partly served by Maven Central here (the 3.3.3 converter's
 * avro-serde-kafka and the 3.1.7/3.2.5 converter jars are refused); 2.6.13.Final resolves whole and
 * speaks the registry's v2 API, which Apicurio 3.3 still serves.
 */
export const APICURIO_CONVERTER_VERSION = '2.6.13.Final';

const NAME = 'debezium-connect';
const INSTALL_KEY = `connect-runtime-${CONNECT_VERSION}+debezium-postgres-${DEBEZIUM_VERSION}+apicurio-converter-${APICURIO_CONVERTER_VERSION}+service-manifests`;

/** The runtime and the broker's classes come from the classpath; a plugin must not bring its own. */
const kafkaExclusions = ['kafka-clients', 'connect-api', 'connect-json', 'connect-runtime', 'connect-transforms'].map((artifactId) => ({ groupId: 'org.apache.kafka', artifactId }));

const parts: Array<{ dir: string; artifacts: MavenArtifact[] }> = [
  {
    dir: 'lib',
    artifacts: [
      { groupId: 'org.apache.kafka', artifactId: 'connect-runtime', version: CONNECT_VERSION },
      // connect-runtime brings slf4j-api 1.7 and no backend: without one, Connect logs nothing.
      { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
    ],
  },
  {
    dir: join('plugins', 'debezium-connector-postgres'),
    artifacts: [{ groupId: 'io.debezium', artifactId: 'debezium-connector-postgres', version: DEBEZIUM_VERSION, exclusions: kafkaExclusions }],
  },
  {
    dir: join('plugins', 'apicurio-registry-converter'),
    artifacts: [{ groupId: 'io.apicurio', artifactId: 'apicurio-registry-utils-converter', version: APICURIO_CONVERTER_VERSION, exclusions: kafkaExclusions }],
  },
];

/** The converters of apicurio-registry-utils-converter 2.6 (what Connect's scan finds in it). */
const APICURIO_CONVERTERS = [
  'io.apicurio.registry.utils.converter.AvroConverter',
  'io.apicurio.registry.utils.converter.ExtJsonConverter',
  'io.apicurio.registry.utils.converter.SerdeBasedConverter',
];

/** A zip (jar) of uncompressed entries: all a ServiceLoader manifest needs, without a JDK's `jar` tool. */
export function storedZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed: stored
    local.writeUInt16LE(0x21, 12); // DOS date 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Installs what is missing (the first time it downloads ~110 jars, with progress), then says where it is. */
export async function installDebeziumConnect(env: NodeJS.ProcessEnv = process.env, reporter: Reporter = createReporter()): Promise<DebeziumConnectInstall> {
  const config = loadStackConfig(env);
  const paths = stackPaths(config);
  const home = paths.dist(NAME);
  const marker = join(home, '.installed');
  if (!(existsSync(marker) && readFileSync(marker, 'utf8') === INSTALL_KEY)) {
    requireMaven();
    const started = Date.now();
    reporter.step(NAME, `installing ${INSTALL_KEY} from Maven Central into ${home}`);
    for (const part of parts) {
      const name = `${NAME}-${part.dir.replaceAll('/', '-')}`;
      const files = await resolveWithMaven({
        name,
        artifacts: part.artifacts,
        outDir: join(ensureDir(home), part.dir),
        mavenRepo: paths.mavenRepo,
        logFile: paths.log(`install-${NAME}`),
        reporter,
      });
      // resolveWithMaven leaves its pom beside outDir; under plugin.path Connect would scan it as a plugin.
      rmSync(join(home, part.dir, '..', `.${name}-pom`), { recursive: true, force: true });
      reporter.step(NAME, `${part.dir}: ${files.length} jars`);
    }
    // Apicurio 2.x ships no ServiceLoader manifest for its converter; without one, Connect must scan
    // every jar by reflection at each start (~50 s here). This is what Kafka's own
    // `connect-plugin-path sync-manifests` adds, so the worker can use plugin.discovery=service_load.
    writeFileSync(
      join(home, 'plugins', 'apicurio-registry-converter', 'streamline-connect-manifests.jar'),
      storedZip([{ name: 'META-INF/services/org.apache.kafka.connect.storage.Converter', data: Buffer.from(`${APICURIO_CONVERTERS.join('\n')}\n`) }]),
    );
    writeFileSync(marker, INSTALL_KEY);
    reporter.done(NAME, `installed in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  }
  return {
    java: findJava17(env),
    lib: join(home, 'lib'),
    pluginPath: join(home, 'plugins'),
    home,
    versions: { connect: CONNECT_VERSION, debezium: DEBEZIUM_VERSION, apicurioConverter: APICURIO_CONVERTER_VERSION },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  if (command !== 'install') {
    console.error(`usage: debezium-connect.ts install (got ${JSON.stringify(command ?? '')})`);
    process.exit(2);
  }
  installDebeziumConnect()
    .then((install) => console.log(JSON.stringify(install)))
    .catch((error: unknown) => {
      console.error(`debezium-connect: ${describeError(error)}`);
      process.exit(1);
    });
}

export type { DebeziumConnectInstall };
