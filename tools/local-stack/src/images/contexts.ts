import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { cassandraJvmFlags, cassandraYaml, CASSANDRA_LOGBACK } from '../components/cassandra.js';
import { log4jProperties } from '../jvm.js';
import { runCommand } from '../run-command.js';
import { ensureDir } from '../paths.js';
import type { ContextInput, ImageSpec } from './specs.js';

/** Where the assembled inputs of the build come from. */
export interface ContextSources {
  repoRoot: string;
  /** `.stack/dist/<component>` */
  stackDist: (component: string) => string;
  /** The local stack's venv site-packages folder. */
  sitePackages: string;
  nodeBinary: string;
  productionModules: string;
  /** Downloads (once) the wheels of a `python-wheels` input; returns their folder. */
  pythonWheels: (input: Extract<ContextInput, { kind: 'python-wheels' }>) => Promise<string>;
}

/** Copies a file or folder: hard links where the file system allows (no space, no time), else a copy. */
async function copyTree(from: string, to: string): Promise<void> {
  if (!existsSync(from)) throw new Error(`image input ${from} is missing: install it first (npm run stack -- install ...)`);
  ensureDir(dirname(to));
  try {
    await runCommand('cp', ['-al', from, to]);
  } catch {
    await runCommand('cp', ['-a', from, to]);
  }
}

/** The container's paths: the layout the Dockerfiles copy the files to. */
const CASSANDRA_NODE = { libDir: '/opt/cassandra/lib', dir: '/var/lib/cassandra', confDir: '/opt/cassandra/conf', jmxPort: 7199 };

function writeGenerated(generator: Extract<ContextInput, { kind: 'generated' }>['generator'], dir: string): void {
  if (generator === 'kafka-log4j') {
    writeFileSync(join(dir, 'log4j.properties'), log4jProperties());
    return;
  }
  const conf = ensureDir(join(dir, 'conf'));
  // The entrypoint puts the container's own address in place of __HOST__.
  writeFileSync(join(conf, 'cassandra.yaml.in'), cassandraYaml({ host: '__HOST__', storagePort: 7000, nativePort: 9042 }, CASSANDRA_NODE.dir));
  writeFileSync(join(conf, 'logback.xml'), CASSANDRA_LOGBACK);
  // A java @argfile: one flag per line.
  writeFileSync(join(conf, 'jvm.args'), `${cassandraJvmFlags(CASSANDRA_NODE).join('\n')}\n`);
}

async function addInput(input: ContextInput, dir: string, src: ContextSources): Promise<void> {
  switch (input.kind) {
    case 'stack-dist':
      return copyTree(join(src.stackDist(input.component), input.path), join(dir, input.to));
    case 'pyspark':
      for (const pkg of ['pyspark', 'py4j']) await copyTree(join(src.sitePackages, pkg), join(dir, input.to, pkg));
      return;
    case 'repo':
      return copyTree(join(src.repoRoot, input.path), join(dir, input.to));
    case 'bundle':
      return copyTree(join(src.repoRoot, 'dist', input.project), join(dir, input.to));
    case 'python-wheels':
      return copyTree(await src.pythonWheels(input), join(dir, input.to));
    case 'node-runtime':
      await copyTree(src.nodeBinary, join(dir, 'node', 'bin', 'node'));
      await copyTree(join(src.productionModules, 'node_modules'), join(dir, 'node_modules'));
      copyFileSync(join(src.productionModules, 'package.json'), join(dir, 'package.json'));
      return;
    case 'generated':
      return writeGenerated(input.generator, dir);
  }
}

/**
 * A fresh build context for one image: its Dockerfile and the scripts beside it, then its inputs.
 * Nothing in it is fetched by the build (Debian's packages aside).
 */
export async function assembleContext(spec: ImageSpec, workDir: string, src: ContextSources): Promise<string> {
  const dir = join(workDir, 'contexts', spec.name);
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  const dockerfileDir = join(src.repoRoot, spec.dockerfileDir);
  for (const name of readdirSync(dockerfileDir)) {
    // The Dockerfile, its scripts and settings files (an app's folder holds its source too: not those).
    if (name !== 'Dockerfile' && !/\.(sh|properties)$/.test(name)) continue;
    copyFileSync(join(dockerfileDir, name), join(dir, name));
    // Scripts run in the image whatever mode the checkout gave them (the classic builder has no COPY --chmod).
    if (name.endsWith('.sh')) chmodSync(join(dir, name), 0o755);
  }
  for (const input of spec.inputs) await addInput(input, dir, src);
  return dir;
}

/**
 * What the image is made of (its files, see below) plus `extra` (the ids of the images it is built
 * from): an image labelled with the same key needs no build.
 */
export function contextKey(dir: string, extra: string[]): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      // Small files (Dockerfiles, scripts, generated settings: written afresh each run) by content;
      // the big ones (jars, node_modules, pyspark: hard links to the installs) by size and time.
      else if (st.size < 256 * 1024) hash.update(`${relative(dir, p)}\0${st.mode}\0`).update(readFileSync(p));
      else hash.update(`${relative(dir, p)}\0${st.size}\0${st.mode}\0${Math.trunc(st.mtimeMs)}\n`);
    }
  };
  walk(dir);
  hash.update(extra.join('\n'));
  return hash.digest('hex').slice(0, 24);
}
