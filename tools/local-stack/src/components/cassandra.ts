import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASSANDRA_DEFAULT_SUPERUSER, cassandraReleaseVersion, ensureCassandraLogin, isCassandraAuthError } from '@streamline/clients';
import { probe, type Component, type StackContext } from '../component.js';
import { javaLaunch } from '../jvm.js';
import { resolveWithMaven } from '../maven.js';
import { ensureDir } from '../paths.js';

export const CASSANDRA_VERSION = '5.0.6';

const nodeDir = (ctx: StackContext) => ctx.paths.data('cassandra');
const confDir = (ctx: StackContext) => ensureDir(join(nodeDir(ctx), 'conf'));
const libDir = (ctx: StackContext) => join(ctx.paths.dist('cassandra'), 'lib');

/**
 * Commit log: Cassandra's default periodic sync. Every acknowledged write is already in the
 * commit log file (in the page cache), so a crash or kill of the Cassandra process loses nothing;
 * only a crash of the whole machine can lose the last 10 s, which a cluster covers with
 * replication. (Group sync, fsync before ack, cut the writer from ~15k to ~1k rows/s here.)
 *
 * cassandra.yaml rejects unknown keys, so this is the key set known to load on 5.0 (that of
 * cassandra-unit's checked config) plus a small-footprint tuning for one node on two cores.
 */
export function cassandraYaml(node: { host: string; storagePort: number; nativePort: number }, dir: string): string {
  return `cluster_name: 'streamline'
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${node.host}"
listen_address: ${node.host}
rpc_address: ${node.host}
storage_port: ${node.storagePort}
native_transport_port: ${node.nativePort}
start_native_transport: true
data_file_directories:
  - ${dir}/data
commitlog_directory: ${dir}/commitlog
saved_caches_directory: ${dir}/saved_caches
hints_directory: ${dir}/hints
cdc_raw_directory: ${dir}/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10s
auto_snapshot: false
disk_access_mode: standard
concurrent_reads: 8
concurrent_writes: 16
concurrent_counter_writes: 4
concurrent_compactors: 1
memtable_flush_writers: 1
native_transport_max_threads: 32
hinted_handoff_enabled: false
dynamic_snitch: false
authenticator: PasswordAuthenticator
role_manager: CassandraRoleManager
authorizer: AllowAllAuthorizer
`;
}

export const CASSANDRA_LOGBACK = `<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`;

/** The module flags of Cassandra's conf/jvm17-server.options (each with =ALL-UNNAMED). */
const EXPORTS = [
  'java.base/jdk.internal.misc',
  'java.base/java.lang.ref',
  'java.management.rmi/com.sun.jmx.remote.internal.rmi',
  'java.rmi/sun.rmi.registry',
  'java.rmi/sun.rmi.server',
  'java.sql/java.sql',
  'jdk.unsupported/sun.misc',
  'jdk.compiler/com.sun.tools.javac.file',
  'jdk.attach/sun.tools.attach',
];
const OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
  'java.base/sun.nio.ch',
  'java.base/java.io',
  'java.base/java.lang.reflect',
  'jdk.compiler/com.sun.tools.javac',
  'java.base/java.lang',
  'java.base/java.util',
];

/**
 * Cassandra's JVM flags without the heap (the local stack's launch and the image's conf/jvm.args):
 * `libDir` holds the jars, `dir` the node's data, `confDir` cassandra.yaml and logback.xml.
 */
export function cassandraJvmFlags(p: { libDir: string; dir: string; confDir: string; jmxPort: number }): string[] {
  return [
    '-Xss256k',
    '-XX:+UseSerialGC',
    // jamm measures object sizes for memtables; Cassandra refuses to start without the agent.
    `-javaagent:${join(p.libDir, 'jamm-0.4.0.jar')}`,
    '-Djava.net.preferIPv4Stack=true',
    '-Djdk.attach.allowAttachSelf=true',
    ...EXPORTS.flatMap((m) => ['--add-exports', `${m}=ALL-UNNAMED`]),
    ...OPENS.flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]),
    '-Dio.netty.tryReflectionSetAccessible=true',
    // JNA unpacks a native library here; it must be a folder we can execute from.
    `-Djava.io.tmpdir=${join(p.dir, 'tmp')}`,
    `-Dcassandra.config=file://${join(p.confDir, 'cassandra.yaml')}`,
    `-Dlogback.configurationFile=file://${join(p.confDir, 'logback.xml')}`,
    `-Dcassandra.logdir=${join(p.dir, 'logs')}`,
    `-Dcassandra.storagedir=${p.dir}`,
    '-Dcassandra-foreground=yes',
    `-Dcassandra.jmx.local.port=${p.jmxPort}`,
    `-Dcassandra.triggers_dir=${join(p.dir, 'triggers')}`,
    '-XX:+ExitOnOutOfMemoryError',
    // Measured on a dev node: skips a ~1.5 s row-overhead probe at every start.
    '-Dcassandra.memtable.row_overhead_size=180',
    // The 2 ms clock task was most of the idle CPU.
    '-Dcassandra.approximate_time_precision_ms=20',
    // One node has nobody to announce its shutdown to.
    '-Dcassandra.shutdown_announce_in_ms=0',
    // The default superuser (only used once, to create ours) without the 10 s wait.
    '-Dcassandra.superuser_setup_delay_ms=0',
  ];
}

/** Apache Cassandra 5.0 (cassandra-all from Maven Central), one node, on Java 17 with a fixed small heap. */
export const cassandra: Component = {
  name: 'cassandra',
  installKey: `cassandra-all-${CASSANDRA_VERSION}`,
  installLane: 'maven',
  enabled: () => true,
  port: (config) => config.ports.cassandra,
  dependsOn: () => [],
  async install(ctx) {
    await resolveWithMaven({
      name: 'cassandra',
      artifacts: [{ groupId: 'org.apache.cassandra', artifactId: 'cassandra-all', version: CASSANDRA_VERSION }],
      outDir: libDir(ctx),
      mavenRepo: ctx.paths.mavenRepo,
      logFile: ctx.paths.log('install-cassandra'),
      reporter: ctx.reporter,
    });
  },
  async prepare(ctx) {
    writeFileSync(join(confDir(ctx), 'cassandra.yaml'), cassandraYaml({ host: ctx.config.host, storagePort: ctx.config.ports.cassandraStorage, nativePort: ctx.config.ports.cassandra }, nodeDir(ctx)));
    writeFileSync(join(confDir(ctx), 'logback.xml'), CASSANDRA_LOGBACK);
    ensureDir(join(nodeDir(ctx), 'tmp'));
    ensureDir(join(nodeDir(ctx), 'triggers'));
  },
  launch(ctx) {
    const dir = nodeDir(ctx);
    const heap = ctx.config.heaps.cassandra;
    const java = javaLaunch(
      ctx,
      'cassandra',
      [
        `-Xms${heap}`,
        `-Xmx${heap}`,
        ...cassandraJvmFlags({ libDir: libDir(ctx), dir, confDir: confDir(ctx), jmxPort: ctx.config.ports.cassandraJmx }),
      ],
      ['org.apache.cassandra.service.CassandraDaemon'],
    );
    // Cassandra mlockall()s its memory; as root that succeeds and makes the whole heap resident
    // (~850 MB RSS instead of ~400). Dropping CAP_IPC_LOCK keeps root like any other user.
    if (process.getuid?.() !== 0) return java;
    return { command: 'setpriv', args: ['--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', '--', java.command, ...java.args] };
  },
  stopTimeoutMs: 60_000,
  afterStart: (ctx) => ensureStackRole(ctx),
  health: (ctx) =>
    probe(async () => {
      try {
        return `CQL answers, release_version ${await cassandraReleaseVersion(ctx.config.connections.cassandra)}`;
      } catch (error) {
        // Before our role exists (first start with PasswordAuthenticator) only the default superuser logs in.
        if (!isCassandraAuthError(error)) throw error;
        return `CQL answers, release_version ${await cassandraReleaseVersion({ ...ctx.config.connections.cassandra, auth: CASSANDRA_DEFAULT_SUPERUSER })} (default superuser; the stack's role comes next)`;
      }
    }, 10_000),
};

async function ensureStackRole(ctx: StackContext): Promise<void> {
  const conn = ctx.config.connections.cassandra;
  if (await ensureCassandraLogin(conn)) ctx.reporter.step('cassandra', `created the stack's superuser ${conn.auth?.username} and switched off the default login`);
}
