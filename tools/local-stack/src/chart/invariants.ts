/** A rendered Kubernetes object, as parsed from `helm template`. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** What a values file promises beyond the schemas: `prod` is the cluster topology of issue 19. */
export type ChartProfile = 'dev' | 'prod';

/** The prod topology: the figures the cluster compose file runs, and the chart must render. */
export const PROD_TOPOLOGY = Object.freeze({
  kafkaBrokers: 3,
  kafkaControllers: 3,
  topicReplicas: 3,
  minInsyncReplicas: 2,
  minPartitions: 6,
  cassandraNodes: 3,
  sparkExecutors: 2,
  relays: 2,
  writers: 2,
});

type Container = {
  name: string;
  image?: string;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: { runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean };
  env?: Array<{ name: string; value?: string }>;
};
type PodSpec = { containers?: Container[]; initContainers?: Container[]; securityContext?: { runAsNonRoot?: boolean } };

const get = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
const id = (m: Manifest) => `${m.kind}/${m.metadata.name}`;

/** `repo:tag` with a fixed tag: not `latest`, not missing (a registry port is not a tag). */
export function imageProblem(image: string | undefined): string | undefined {
  if (!image) return 'no image';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@sha256:')) return undefined;
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return `image ${image} has no tag`;
  if (lastSegment.slice(colon + 1) === 'latest') return `image ${image} is tagged latest`;
  return undefined;
}

function podSpecOf(m: Manifest): PodSpec | undefined {
  if (m.kind === 'Deployment' || m.kind === 'StatefulSet' || m.kind === 'DaemonSet' || m.kind === 'Job') return get(m.spec, 'template', 'spec') as PodSpec;
  if (m.kind === 'CronJob') return get(m.spec, 'jobTemplate', 'spec', 'template', 'spec') as PodSpec;
  return undefined;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The chart's promises on its rendered output; each problem one line naming the object. */
export function checkInvariants(manifests: Manifest[], profile: ChartProfile): string[] {
  const problems: string[] = [];
  const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
  for (const m of manifests) {
    const pod = podSpecOf(m);
    if (!pod) continue;
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const where = `${id(m)} container ${c.name}`;
      const bad = imageProblem(c.image);
      if (bad) problems.push(`${where}: ${bad}`);
      for (const kind of ['requests', 'limits'] as const)
        for (const resource of ['cpu', 'memory']) if (c.resources?.[kind]?.[resource] === undefined) problems.push(`${where}: no resources.${kind}.${resource}`);
      if (m.kind !== 'Job' && m.kind !== 'CronJob') {
        if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
        if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
      }
      if (pod.securityContext?.runAsNonRoot !== true && c.securityContext?.runAsNonRoot !== true) problems.push(`${where}: not runAsNonRoot`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation not false`);
    }
    if (m.kind === 'Deployment') {
      const labels = get(m.spec, 'template', 'metadata', 'labels') as Record<string, string> | undefined;
      const covering = pdbs.filter((p) => matches(get(p.spec, 'selector', 'matchLabels') as Record<string, string>, labels));
      if (covering.length !== 1) problems.push(`${id(m)}: expected one PodDisruptionBudget, found ${covering.length}`);
    }
  }
  const spark = manifests.filter((m) => m.kind === 'SparkApplication');
  for (const app of spark) {
    const bad = imageProblem(get(app.spec, 'image') as string | undefined);
    if (bad) problems.push(`${id(app)}: ${bad}`);
  }
  if (profile === 'prod') problems.push(...checkProdTopology(manifests));
  return problems;
}

function checkProdTopology(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const t = PROD_TOPOLOGY;
  const of = (kind: string) => manifests.filter((m) => m.kind === kind);
  const atLeast = (what: string, actual: unknown, min: number) => {
    if (typeof actual !== 'number' || actual < min) problems.push(`prod: ${what} is ${String(actual)}, expected at least ${min}`);
  };
  const topics = of('KafkaTopic');
  if (topics.length === 0) problems.push('prod: no KafkaTopic rendered');
  for (const topic of topics) {
    atLeast(`${id(topic)} replicas`, get(topic.spec, 'replicas'), t.topicReplicas);
    atLeast(`${id(topic)} partitions`, get(topic.spec, 'partitions'), t.minPartitions);
    atLeast(`${id(topic)} min.insync.replicas`, get(topic.spec, 'config', 'min.insync.replicas'), t.minInsyncReplicas);
  }
  const kafkaConfig = get(of('Kafka')[0]?.spec, 'kafka', 'config');
  atLeast('Kafka default.replication.factor', get(kafkaConfig, 'default.replication.factor'), t.topicReplicas);
  atLeast('Kafka min.insync.replicas', get(kafkaConfig, 'min.insync.replicas'), t.minInsyncReplicas);
  atLeast('Kafka offsets.topic.replication.factor', get(kafkaConfig, 'offsets.topic.replication.factor'), t.topicReplicas);
  const pool = (role: string) => of('KafkaNodePool').filter((p) => (get(p.spec, 'roles') as string[] | undefined)?.includes(role));
  atLeast('KafkaNodePool brokers', pool('broker').reduce((n, p) => n + Number(get(p.spec, 'replicas') ?? 0), 0), t.kafkaBrokers);
  atLeast('KafkaNodePool controllers', pool('controller').reduce((n, p) => n + Number(get(p.spec, 'replicas') ?? 0), 0), t.kafkaControllers);
  atLeast('CassandraDatacenter size', get(of('CassandraDatacenter')[0]?.spec, 'size'), t.cassandraNodes);
  atLeast('SparkApplication executor instances', get(of('SparkApplication')[0]?.spec, 'executor', 'instances'), t.sparkExecutors);
  const deployment = (suffix: string) => of('Deployment').find((d) => d.metadata.name.endsWith(`-${suffix}`));
  atLeast('relay replicas', get(deployment('relay')?.spec, 'replicas'), t.relays);
  const scaled = of('ScaledObject').find((s) => get(s.spec, 'scaleTargetRef', 'name') === deployment('cassandra-writer')?.metadata.name);
  atLeast('cassandra-writer replicas', scaled ? get(scaled.spec, 'minReplicaCount') : get(deployment('cassandra-writer')?.spec, 'replicas'), t.writers);
  const writerEnv = (get(deployment('cassandra-writer')?.spec, 'template', 'spec', 'containers') as Container[] | undefined)?.[0]?.env ?? [];
  atLeast('cassandra-writer CASSANDRA_REPLICATION_FACTOR', Number(writerEnv.find((e) => e.name === 'CASSANDRA_REPLICATION_FACTOR')?.value), t.cassandraNodes);
  return problems;
}
