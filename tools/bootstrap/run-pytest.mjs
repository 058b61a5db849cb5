// The Python half of `npm test`: the PySpark job's pytest suites, run with the stack's venv
// (created by `npm run stack -- up`, which the Vitest global setup runs first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stackDir = resolve(root, process.env.STREAMLINE_STACK_DIR ?? '.stack');
const python = join(stackDir, 'venv', 'bin', 'python');
const suites = ['apps/spark-launcher/job'];

if (!existsSync(python)) {
  console.error(`pytest: no Python venv at ${python}: run \`npm run stack -- up spark-master\` first`);
  process.exit(1);
}
const res = spawnSync(python, ['-m', 'pytest', '-q', ...suites], { cwd: root, stdio: 'inherit' });
process.exit(res.status ?? 1);
