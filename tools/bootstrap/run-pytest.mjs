// The Python half of `npm test`: each pytest suite with the venv it runs in, created by
// `npm run stack -- up` (which the Vitest global setup runs first).
// Usage: node tools/bootstrap/run-pytest.mjs [suite-folder ...]   (default: all suites)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stackDir = resolve(root, process.env.STREAMLINE_STACK_DIR ?? '.stack');
const suites = {
  // The PySpark job, in the Spark venv.
  'apps/spark-job': { python: join(stackDir, 'venv', 'bin', 'python'), component: 'spark-master' },
  // DAG integrity, in Airflow's venv.
  'airflow-dags': { python: join(stackDir, 'dist', 'airflow', 'bin', 'python'), component: 'airflow-api-server' },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(suites);
let failed = 0;
for (const folder of wanted) {
  const suite = suites[folder];
  if (!suite) {
    console.error(`pytest: unknown suite ${folder} (known: ${Object.keys(suites).join(', ')})`);
    process.exit(2);
  }
  if (!existsSync(suite.python)) {
    console.error(`pytest: no Python at ${suite.python}: run \`npm run stack -- up ${suite.component}\` first`);
    process.exit(1);
  }
  // Quiet by the suites' own settings (pyproject addopts): a second -q would hide the summary line.
  const res = spawnSync(suite.python, ['-m', 'pytest', folder], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
