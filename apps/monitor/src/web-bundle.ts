// The page's script: src/web/*.ts bundled by esbuild (uPlot inlined) into one file for the
// browser. `nx build monitor` writes it to dist/apps/monitor/public/app.js (scripts/bundle-web.ts);
// a monitor running from source, whose public/ has no app.js, bundles it in memory at start.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/web/main.ts beside this file; undefined in a bundle (dist), which ships public/app.js instead. */
export function webEntry(): string | undefined {
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'web', 'main.ts');
  return existsSync(entry) ? entry : undefined;
}

const inMemory = new Map<string, Promise<string>>();

/** The bundle's text, built once per process (every server started from source serves the same). */
export function pageScriptFromSource(entry: string): Promise<string> {
  let script = inMemory.get(entry);
  if (!script) inMemory.set(entry, (script = bundleWeb(entry)));
  return script;
}

/** Bundles the page: into `outfile` (with its source map beside), or into the returned text. */
export async function bundleWeb(entry: string, options: { outfile?: string } = {}): Promise<string> {
  // esbuild is a build tool: imported only here, so a bundled monitor (its image) never loads it.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: options.outfile ? 'linked' : false,
    write: Boolean(options.outfile),
    outfile: options.outfile ?? 'app.js',
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (options.outfile) return '';
  const js = result.outputFiles?.find((f) => f.path.endsWith('.js'));
  if (!js) throw new Error(`esbuild produced no script from ${entry}`);
  return js.text;
}
