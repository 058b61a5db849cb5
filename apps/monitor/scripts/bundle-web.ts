// `nx build monitor`'s page step: type-checks src/web (unless STREAMLINE_BUNDLE_NO_TYPECHECK=1,
// as npm run images sets) and writes the page's script to dist/apps/monitor/public/app.js.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundleWeb, webEntry } from '../src/web-bundle.js';

const outfile = process.argv[2] ?? join('dist', 'apps', 'monitor', 'public', 'app.js');
const entry = webEntry();
if (!entry) throw new Error('apps/monitor/src/web/main.ts is missing');
if (process.env.STREAMLINE_BUNDLE_NO_TYPECHECK !== '1') {
  const tsc = spawnSync('npx', ['tsc', '-p', join('apps', 'monitor', 'src', 'web', 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
await bundleWeb(entry, { outfile });
console.log(`monitor page: ${outfile}`);
