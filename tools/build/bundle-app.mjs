// Builds one app for its container: type-checks the project, then bundles src/main.ts with the
// workspace libs inlined (resolved through tsconfig paths) and npm packages left external.
// Usage: node tools/build/bundle-app.mjs apps/<name>
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { join } from 'node:path';

const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: bundle-app.mjs apps/<name>');
  process.exit(2);
}
const tsc = spawnSync('npx', ['tsc', '-p', join(projectRoot, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  entryPoints: [join(projectRoot, 'src', 'main.ts')],
  outfile: join('dist', projectRoot, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  logLevel: 'info',
});
