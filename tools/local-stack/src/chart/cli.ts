// npm run chart:check: the Helm chart linted, rendered for each values file, every manifest checked
// against the Kubernetes and operator CRD schemas, and the chart's invariants (docs/kubernetes.md).
import { join, resolve } from 'node:path';
import { loadStackLayout } from '@streamline/config';
import { describeError } from '@streamline/runtime';
import { createReporter } from '../reporter.js';
import { checkChart } from './check.js';
import { CHART_DIR, VALUES_FILES } from './chart-paths.js';
import { ensureChartToolchain } from './toolchain.js';

async function main(): Promise<void> {
  const repoRoot = process.cwd();
  const cacheDir = join(loadStackLayout(process.env, repoRoot).cacheDir, 'chart');
  const reporter = createReporter();
  const started = Date.now();
  const toolchain = await ensureChartToolchain(cacheDir, reporter);
  const chartDir = resolve(repoRoot, CHART_DIR);
  await checkChart({ chartDir, valuesFiles: VALUES_FILES.map((f) => join(chartDir, f)), outDir: join(cacheDir, 'rendered'), toolchain, reporter });
  reporter.done('chart', `chart:check passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`chart:check: ${describeError(error)}`);
  process.exit(1);
});
