import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { StreamlineError } from '@streamline/runtime';
import type { Reporter } from '../reporter.js';
import { CommandError, runCommand } from '../run-command.js';
import { checkInvariants, type ChartProfile, type Manifest } from './invariants.js';
import type { ChartToolchain } from './toolchain.js';

export class ChartCheckError extends StreamlineError {}

export interface ChartCheckOptions {
  chartDir: string;
  /** values files, each checked on its own (values-<profile>.yaml). */
  valuesFiles: string[];
  /** Where the rendered manifests and logs go. */
  outDir: string;
  toolchain: ChartToolchain;
  reporter: Reporter;
}

/** The profile a values file is written for: prod's invariants for values-prod.yaml, dev's otherwise. */
export const profileOf = (valuesFile: string): ChartProfile => (basename(valuesFile).includes('prod') ? 'prod' : 'dev');

/** Validates rendered manifests against the Kubernetes and CRD schemas (kubeconform, strict: unknown fields fail). */
export async function validateManifests(toolchain: ChartToolchain, manifestFile: string): Promise<string> {
  const locations = toolchain.schemaLocations.flatMap((l) => ['-schema-location', l]);
  try {
    return await runCommand(toolchain.kubeconform, ['-strict', '-summary', '-output', 'text', ...locations, manifestFile]);
  } catch (error) {
    throw new ChartCheckError(`kubeconform: ${manifestFile} does not match its schemas\n${error instanceof CommandError ? error.message : String(error)}`);
  }
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJSON() as Manifest | null)
    .filter((m): m is Manifest => !!m && typeof m === 'object' && 'kind' in m);
}

export interface ValuesResult {
  valuesFile: string;
  manifestFile: string;
  kinds: Record<string, number>;
}

/** helm lint, helm template, kubeconform and the invariants, for each values file; throws on the first failure. */
export async function checkChart(options: ChartCheckOptions): Promise<ValuesResult[]> {
  const { toolchain, reporter } = options;
  mkdirSync(options.outDir, { recursive: true });
  const results: ValuesResult[] = [];
  for (const valuesFile of options.valuesFiles) {
    const name = basename(valuesFile, '.yaml');
    const profile = profileOf(valuesFile);
    const fail = (message: string): never => {
      reporter.fail('chart', `${name}: ${message.split('\n')[0]}`);
      throw new ChartCheckError(`${name}: ${message}`);
    };
    reporter.step('chart', `${name}: helm lint`);
    await runCommand(toolchain.helm, ['lint', '--strict', options.chartDir, '-f', valuesFile]).catch((e: Error) => fail(`helm lint failed\n${e.message}`));
    reporter.step('chart', `${name}: helm template`);
    const rendered = await runCommand(toolchain.helm, ['template', 'streamline', options.chartDir, '--namespace', 'streamline', '-f', valuesFile]).catch((e: Error) =>
      fail(`helm template failed\n${e.message}`),
    );
    const manifestFile = join(options.outDir, `${name}.yaml`);
    writeFileSync(manifestFile, rendered);
    const manifests = parseManifests(rendered);
    reporter.step('chart', `${name}: kubeconform on ${manifests.length} manifests`);
    const summary = await validateManifests(toolchain, manifestFile).catch((e: Error) => fail(e.message));
    reporter.step('chart', `${name}: ${summary.trim().split('\n').at(-1)}`);
    const problems = checkInvariants(manifests, profile);
    if (problems.length > 0) fail(`${problems.length} invariant(s) broken (${profile}):\n${problems.join('\n')}`);
    const kinds: Record<string, number> = {};
    for (const m of manifests) kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
    reporter.done('chart', `${name}: lint, template, schemas and ${profile} invariants pass (${manifests.length} manifests)`);
    results.push({ valuesFile, manifestFile, kinds });
  }
  return results;
}

export const readManifests = (file: string) => parseManifests(readFileSync(file, 'utf8'));
