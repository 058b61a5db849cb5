import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Reporter } from '../reporter.js';
import { runCommand } from '../run-command.js';
import { ensureDir } from '../paths.js';
import { resolveWithMaven } from '../maven.js';
import { findJava17, findPython } from '../prerequisites.js';
import { crdToJsonSchemas, type CustomResourceDefinition } from './crd-schemas.js';
import { standaloneSchema } from './kubernetes-schemas.js';

/**
 * The tools and schemas `npm run chart:check` uses, each fetched from a package registry at an exact
 * version (the Go module proxy refuses version listings, so nothing floats) and cached under
 * `.stack/cache/chart/`. The operator versions here are the ones the chart is written for
 * (deploy/helm/streamline/README.md names them).
 */
export const HELM = { module: 'helm.sh/helm/v4', version: 'v4.3.2', pkg: './cmd/helm' } as const;
export const KUBECONFORM = { module: 'github.com/yannh/kubeconform', version: 'v0.7.0', pkg: './cmd/kubeconform' } as const;
/** Kubernetes JSON schemas (strict: unknown fields rejected), as shipped by PyPI's kubernetes-validate. */
export const KUBERNETES_SCHEMAS = { pypi: 'kubernetes-validate', version: '1.37.0', kubernetes: '1.33.0' } as const;

/** Operators whose Go module carries its CRDs as YAML: the files the chart's resources need. */
export const GO_MODULE_CRDS = [
  {
    operator: 'cass-operator',
    module: 'github.com/k8ssandra/cass-operator',
    version: 'v1.26.0',
    files: ['config/crd/bases/cassandra.datastax.com_cassandradatacenters.yaml'],
    // Its release applies these kustomize patches: `config` leaves the schema (free-form per server version).
    patches: ['config/crd/patches/config_removal.yaml'],
  },
  {
    operator: 'spark-operator',
    module: 'github.com/kubeflow/spark-operator/v2',
    version: 'v2.3.0',
    files: ['config/crd/bases/sparkoperator.k8s.io_sparkapplications.yaml'],
  },
  { operator: 'cloudnative-pg', module: 'github.com/cloudnative-pg/cloudnative-pg', version: 'v1.27.0', files: ['config/crd/bases/postgresql.cnpg.io_clusters.yaml'] },
  { operator: 'keda', module: 'github.com/kedacore/keda/v2', version: 'v2.17.0', files: ['config/crd/bases/keda.sh_scaledobjects.yaml'] },
  {
    operator: 'prometheus-operator',
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    files: ['example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml'],
  },
] as const;

/**
 * Strimzi publishes no CRD YAML in a registry; its generator (a Java program on Maven Central) makes
 * them from the API classes, as Strimzi's own build does. 0.45.0: the last release whose generator
 * runs on Java 17 (the machines' JDK); its API is kafka.strimzi.io/v1beta2.
 */
export const STRIMZI = {
  version: '0.45.0',
  apiVersion: 'v1beta2',
  kinds: {
    Kafka: 'io.strimzi.api.kafka.model.kafka.Kafka',
    KafkaNodePool: 'io.strimzi.api.kafka.model.nodepool.KafkaNodePool',
    KafkaTopic: 'io.strimzi.api.kafka.model.topic.KafkaTopic',
  },
} as const;

export interface ChartToolchain {
  helm: string;
  kubeconform: string;
  /** kubeconform -schema-location templates: the Kubernetes schemas, then the CRDs' (group/kind_version.json). */
  schemaLocations: string[];
}

const goBinary = () => (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');

/** Everything under one folder, the Go module and build caches too, so an empty folder is a true cold start. */
function goEnv(cacheDir: string) {
  return { GOMODCACHE: join(cacheDir, 'go-mod'), GOCACHE: join(cacheDir, 'go-build'), GOFLAGS: '-modcacherw', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
}

async function goModuleDir(cacheDir: string, module: string, version: string, logFile: string): Promise<string> {
  const json = await runCommand(goBinary(), ['mod', 'download', '-json', `${module}@${version}`], { env: goEnv(cacheDir), logFile, cwd: ensureDir(join(cacheDir, 'work')) });
  const info = JSON.parse(json.slice(json.indexOf('{'))) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${module}@${version} failed: ${info.Error ?? 'no folder named'} (log: ${logFile})`);
  return info.Dir;
}

async function ensureGoTool(cacheDir: string, tool: { module: string; version: string; pkg: string }, name: string, reporter: Reporter): Promise<string> {
  const binary = join(ensureDir(join(cacheDir, 'bin')), `${name}-${tool.version}`);
  if (existsSync(binary)) return binary;
  const logFile = join(cacheDir, 'logs', `${name}.log`);
  reporter.step(name, `building ${tool.module}@${tool.version} from the Go module proxy (once; cached)`);
  const source = await goModuleDir(cacheDir, tool.module, tool.version, logFile);
  // Built inside its own module, with the dependency versions its go.mod pins.
  await runCommand(goBinary(), ['build', '-trimpath', '-ldflags', '-s -w', '-o', `${binary}.tmp`, tool.pkg], { cwd: source, env: goEnv(cacheDir), logFile });
  renameSync(`${binary}.tmp`, binary);
  reporter.done(name, `built ${binary}`);
  return binary;
}

/** Writes one JSON schema file per CRD version under `dir/<group>/<kind>_<version>.json`. */
function writeCrdSchemas(yamlText: string, dir: string, removals: string[][] = []): number {
  let count = 0;
  for (const doc of parseAllDocuments(yamlText)) {
    const crd = doc.toJSON() as CustomResourceDefinition | null;
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    for (const path of removals) removeAt(crd, path);
    for (const schema of crdToJsonSchemas(crd)) {
      writeFileSync(join(ensureDir(join(dir, schema.group)), schema.fileName), JSON.stringify(schema.schema));
      count++;
    }
  }
  return count;
}

/** A JSON patch of `remove` operations only (what the operators' CRD patches are), as paths. */
export function parseRemovePatch(yamlText: string, name: string): string[][] {
  const ops = (parseAllDocuments(yamlText)[0]?.toJSON() ?? []) as Array<{ op: string; path: string }>;
  return ops.map((o) => {
    if (o.op !== 'remove') throw new Error(`${name}: only remove operations are applied, got ${o.op} ${o.path}`);
    return o.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  });
}

function removeAt(root: unknown, path: string[]): void {
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root) as Record<string, unknown> | undefined;
  if (!parent || !(path.at(-1)! in parent)) throw new Error(`CRD patch: nothing at /${path.join('/')}`);
  if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1);
  else delete parent[path.at(-1)!];
}

export async function ensureGoModuleCrds(cacheDir: string, crdDir: string, reporter: Reporter): Promise<void> {
  for (const entry of GO_MODULE_CRDS) {
    const stamp = join(crdDir, `.${entry.operator}-${entry.version}`);
    if (existsSync(stamp)) continue;
    reporter.step('crds', `${entry.operator} ${entry.version}: CRDs from the Go module ${entry.module}`);
    const dir = await goModuleDir(cacheDir, entry.module, entry.version, join(cacheDir, 'logs', `${entry.operator}.log`));
    let count = 0;
    const patches = ('patches' in entry ? entry.patches : []).flatMap((file) => parseRemovePatch(readFileSync(join(dir, file), 'utf8'), file));
    for (const file of entry.files) count += writeCrdSchemas(readFileSync(join(dir, file), 'utf8'), crdDir, patches);
    if (count === 0) throw new Error(`no CRD schema found in ${entry.module}@${entry.version} (${entry.files.join(', ')})`);
    writeFileSync(stamp, `${count}\n`);
  }
}

export async function ensureStrimziCrds(cacheDir: string, crdDir: string, reporter: Reporter): Promise<void> {
  const stamp = join(crdDir, `.strimzi-${STRIMZI.version}`);
  if (existsSync(stamp)) return;
  reporter.step('crds', `Strimzi ${STRIMZI.version}: generating its CRDs with its crd-generator from Maven Central`);
  const work = ensureDir(join(cacheDir, 'strimzi'));
  const lib = join(work, 'lib');
  const logFile = join(cacheDir, 'logs', 'strimzi.log');
  await resolveWithMaven({
    name: 'strimzi-crds',
    artifacts: ['api', 'crd-generator'].map((artifactId) => ({ groupId: 'io.strimzi', artifactId, version: STRIMZI.version })),
    outDir: lib,
    mavenRepo: join(cacheDir, 'm2'),
    logFile,
    reporter,
  });
  const out = ensureDir(join(work, 'crds'));
  const targets = Object.entries(STRIMZI.kinds).map(([kind, cls]) => `${cls}=${join(out, `${kind}.yaml`)}`);
  // The arguments Strimzi's own build passes (api/pom.xml), for the one API version the chart uses.
  await runCommand(
    findJava17(),
    ['-cp', `${lib}/*`, 'io.strimzi.crdgenerator.CrdGenerator', '--crd-api-version', 'v1', '--api-versions', STRIMZI.apiVersion, '--storage-version', STRIMZI.apiVersion, '--target-kube', '1.16+', '--yaml', ...targets],
    { logFile },
  );
  let count = 0;
  for (const kind of Object.keys(STRIMZI.kinds)) count += writeCrdSchemas(readFileSync(join(out, `${kind}.yaml`), 'utf8'), crdDir);
  writeFileSync(stamp, `${count}\n`);
}

export async function ensureKubernetesSchemas(cacheDir: string, reporter: Reporter): Promise<string> {
  const dir = join(cacheDir, 'kubernetes-json-schema', `v${KUBERNETES_SCHEMAS.kubernetes}-standalone-strict`);
  if (existsSync(join(dir, '.complete'))) return dir;
  reporter.step('schemas', `Kubernetes ${KUBERNETES_SCHEMAS.kubernetes} JSON schemas from PyPI ${KUBERNETES_SCHEMAS.pypi}==${KUBERNETES_SCHEMAS.version}`);
  const wheels = ensureDir(join(cacheDir, 'pypi'));
  const logFile = join(cacheDir, 'logs', 'kubernetes-schemas.log');
  await runCommand(findPython(), ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', wheels, `${KUBERNETES_SCHEMAS.pypi}==${KUBERNETES_SCHEMAS.version}`], { logFile });
  const wheel = readdirSync(wheels).find((f) => f.startsWith('kubernetes_validate-') && f.endsWith('.whl'));
  if (!wheel) throw new Error(`pip downloaded no kubernetes_validate wheel into ${wheels} (log: ${logFile})`);
  const raw = join(cacheDir, 'kubernetes-json-schema', 'raw');
  rmSync(raw, { recursive: true, force: true });
  ensureDir(raw);
  // Only the one Kubernetes version's folder (the wheel holds a dozen).
  const prefix = `kubernetes_validate/kubernetes-json-schema/v${KUBERNETES_SCHEMAS.kubernetes}-local-strict/`;
  const extract = [
    'import sys, zipfile, os',
    'wheel, prefix, out = sys.argv[1:4]',
    'n = 0',
    'with zipfile.ZipFile(wheel) as z:',
    '    for name in z.namelist():',
    '        if name.startswith(prefix) and not name.endswith("/"):',
    '            open(os.path.join(out, name[len(prefix):]), "wb").write(z.read(name)); n += 1',
    'print(n)',
  ].join('\n');
  const count = Number((await runCommand(findPython(), ['-c', extract, join(wheels, wheel), prefix, raw], { logFile })).trim());
  if (!(count > 100)) throw new Error(`the ${wheel} wheel holds no schemas under ${prefix}`);
  const definitions = (JSON.parse(readFileSync(join(raw, '_definitions.json'), 'utf8')) as { $defs: Record<string, unknown> }).$defs;
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  let written = 0;
  for (const file of readdirSync(raw)) {
    const schema = JSON.parse(readFileSync(join(raw, file), 'utf8')) as Record<string, unknown>;
    // The API's kinds only (not their parts, not lists): what a manifest can be.
    const gvk = schema['x-kubernetes-group-version-kind'] as Array<{ kind: string }> | undefined;
    if (!gvk || gvk.some((k) => k.kind.endsWith('List'))) continue;
    writeFileSync(join(dir, file), JSON.stringify(standaloneSchema(schema, definitions)));
    written++;
  }
  rmSync(raw, { recursive: true, force: true });
  writeFileSync(join(dir, '.complete'), `${written}\n`);
  return dir;
}

/** Builds or finds helm and kubeconform and the schemas, reporting each step that has to do work. */
export async function ensureChartToolchain(cacheDir: string, reporter: Reporter): Promise<ChartToolchain> {
  ensureDir(cacheDir);
  const helm = await ensureGoTool(cacheDir, HELM, 'helm', reporter);
  const kubeconform = await ensureGoTool(cacheDir, KUBECONFORM, 'kubeconform', reporter);
  const kubernetesDir = await ensureKubernetesSchemas(cacheDir, reporter);
  const crdDir = ensureDir(join(cacheDir, 'crd-schemas'));
  await ensureGoModuleCrds(cacheDir, crdDir, reporter);
  await ensureStrimziCrds(cacheDir, crdDir, reporter);
  return {
    helm,
    kubeconform,
    schemaLocations: [`${kubernetesDir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`, `${crdDir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`],
  };
}
