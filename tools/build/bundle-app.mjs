// Builds one app for its container: type-checks the project, then bundles src/main.ts with the
// workspace libs inlined (resolved through tsconfig paths) and npm packages left external. A dynamic
// import() (e.g. the ingestor's generator) becomes its own file under chunks/, loaded only when
// called: without splitting, esbuild hoists its npm imports (faker) into main.js, loaded at every start.
// Usage: node tools/build/bundle-app.mjs apps/<name> [--no-typecheck]
// --no-typecheck (or STREAMLINE_BUNDLE_NO_TYPECHECK=1, which npm run images sets for `nx build`):
// the bundle only; npm test and the lint type-check the code.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: bundle-app.mjs apps/<name> [--no-typecheck]');
  process.exit(2);
}
if (!process.argv.includes('--no-typecheck') && process.env.STREAMLINE_BUNDLE_NO_TYPECHECK !== '1') {
  const tsc = spawnSync('npx', ['tsc', '-p', join(projectRoot, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

const outdir = join('dist', projectRoot);
// Chunk names carry a hash: drop the previous build's.
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: [join(projectRoot, 'src', 'main.ts')],
  outdir,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  logLevel: 'info',
});
