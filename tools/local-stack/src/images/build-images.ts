import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensurePrerequisites } from '../prerequisites.js';
import type { Reporter } from '../reporter.js';
import { runCommand } from '../run-command.js';
import { ensureDir } from '../paths.js';
import { ensureBaseImage } from './base-image.js';
import { assembleContext, contextKey, type ContextSources } from './contexts.js';
import { dockerBuild, engineAnswers, imageId, imageLabel, imageSizeBytes, INPUTS_LABEL } from './docker.js';
import { nodeBinary, productionModules } from './node-runtime.js';
import { downloadWheels } from './python-wheels.js';
import { bundledProjects, tagOf, type ImageSpec } from './specs.js';

export interface BuildOptions {
  repoRoot: string;
  /** `.stack` */
  stackDir: string;
  cacheDir: string;
  reporter: Reporter;
  /** Rebuild even when an image's inputs are unchanged. */
  force: boolean;
  /** Installs the local stack's components the inputs come from (`stack install ...`). */
  installComponents: (names: string[]) => Promise<void>;
}

export interface BuiltImage {
  name: string;
  tag: string;
  built: boolean;
  seconds: number;
  sizeMiB: number;
}

/** `Step 3/9 : COPY lib/ /opt/kafka/lib/` -> `step 3/9 COPY lib/ ...` (the classic builder's progress). */
const stepLine = /^Step (\d+\/\d+) : (.*)$/;

/**
 * Builds the images asked for (dependencies first), skipping each whose inputs are unchanged
 * (the label INPUTS_LABEL holds their hash), so a second run takes seconds.
 */
export async function buildImages(specs: ImageSpec[], options: BuildOptions): Promise<BuiltImage[]> {
  const { reporter, repoRoot } = options;
  if (!engineAnswers()) {
    throw new Error('no Docker engine answers (docker info): start dockerd, or set DOCKER_HOST to one (docs/docker.md)');
  }
  const workDir = ensureDir(join(options.stackDir, 'images'));
  const logFile = join(options.stackDir, 'logs', 'images.log');
  const results: BuiltImage[] = [];

  await ensurePrerequisites(['images'], { reporter, logFile });
  const installs = [...new Set(specs.flatMap((s) => s.installs))];
  if (installs.length > 0) {
    reporter.step('images', `installing ${installs.join(', ')} on the host (the images' inputs)`);
    await options.installComponents(installs);
  }
  const bundles = bundledProjects(specs);
  if (bundles.length > 0) {
    // Each project's own build target says what its bundle holds (the writer's migrations, the
    // monitor's page); the type check is npm test's.
    const projects = bundles.map((p) => basename(p));
    reporter.step('images', `building ${projects.join(', ')} (nx build, without the type check)`);
    await runCommand('npx', ['nx', 'run-many', '-t', 'build', `--projects=${projects.join(',')}`, '--output-style=static'], {
      cwd: repoRoot,
      logFile,
      env: { NX_DAEMON: 'false', STREAMLINE_BUNDLE_NO_TYPECHECK: '1' },
    });
  }
  const needsNode = specs.some((s) => s.inputs.some((i) => i.kind === 'node-runtime'));
  const sources: ContextSources = {
    repoRoot,
    stackDist: (component) => join(options.stackDir, 'dist', component),
    sitePackages: sitePackagesOf(join(options.stackDir, 'venv')),
    nodeBinary: needsNode ? await nodeBinary(options.cacheDir, logFile) : '',
    productionModules: needsNode ? await productionModules(repoRoot, workDir, options.cacheDir, logFile) : '',
    pythonWheels: (input) => {
      reporter.step('images', `pip download ${input.requirements.join(' ')} on the host (wheels for the build)`);
      return downloadWheels(input, repoRoot, options.cacheDir, logFile);
    },
  };

  const started = Date.now();
  reporter.step('base', 'Debian base (mmdebstrap)');
  const baseBuilt = await ensureBaseImage(workDir, (line) => line.startsWith('I: ') && reporter.step('base', line.slice(3)), logFile, options.force);
  results.push(finished('base', tagOf('base'), baseBuilt, started));
  reporter.done('base', baseBuilt ? 'built' : 'up to date');

  for (const [i, spec] of specs.entries()) {
    const t0 = Date.now();
    const label = `${spec.name}`;
    const buildArgs = Object.fromEntries(Object.entries(spec.from).map(([arg, name]) => [arg, tagOf(name)]));
    const context = await assembleContext(spec, workDir, sources);
    const key = contextKey(context, Object.values(buildArgs).map((tag) => imageId(tag) ?? tag));
    const upToDate = !options.force && imageLabel(spec.tag, INPUTS_LABEL) === key;
    if (!upToDate) {
      reporter.step(label, `[${i + 1}/${specs.length}] docker build -t ${spec.tag}`);
      await dockerBuild(context, spec.tag, {
        buildArgs,
        labels: { [INPUTS_LABEL]: key },
        logFile,
        onLine: (line) => {
          const m = stepLine.exec(line);
          if (m) reporter.step(label, `step ${m[1]} ${m[2]!.slice(0, 90)}`);
        },
      });
    }
    const result = finished(spec.name, spec.tag, !upToDate, t0);
    results.push(result);
    reporter.done(label, `${upToDate ? 'up to date' : 'built'} ${spec.tag} (${result.sizeMiB} MiB, ${result.seconds} s)`);
  }
  return results;
}

function finished(name: string, tag: string, built: boolean, t0: number): BuiltImage {
  return { name, tag, built, seconds: Math.round((Date.now() - t0) / 100) / 10, sizeMiB: Math.round((imageSizeBytes(tag) ?? 0) / 2 ** 20) };
}

/** `<venv>/lib/python3.X/site-packages` */
function sitePackagesOf(venv: string): string {
  try {
    const lib = join(venv, 'lib');
    const py = readdirSync(lib).find((d) => d.startsWith('python3'));
    return py ? join(lib, py, 'site-packages') : join(lib, 'python3', 'site-packages');
  } catch {
    return join(venv, 'lib', 'python3', 'site-packages');
  }
}
