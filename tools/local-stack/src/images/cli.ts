#!/usr/bin/env node
// `npm run images`: every container image of the project, built here from the package registries
// (no image registry): a Debian base made with mmdebstrap, the servers from the local stack's
// pinned installs, one image per app. Then `docker compose -f deploy/docker-compose.yml up -d --wait`.
import { Command } from 'commander';
import { describeError } from '@streamline/runtime';
import { loadStackConfig } from '../config.js';
import { createReporter } from '../reporter.js';
import { createStack } from '../stack.js';
import { buildImages } from './build-images.js';
import { writeComposeEnv } from './compose-env.js';
import { ensureComposePlugin } from './compose-plugin.js';
import { IMAGE_SPECS, selectSpecs } from './specs.js';

const program = new Command('images')
  .description('build the container images (base, servers, apps) without an image registry; a second run rebuilds only what changed')
  .argument('[names...]', `only these and the images they are built from: ${IMAGE_SPECS.map((s) => s.name).join(', ')}`)
  .option('--force', 'rebuild even when the inputs are unchanged')
  .option('--list', 'print the images and their tags, build nothing')
  .showHelpAfterError()
  .action(async (names: string[], options: { force?: boolean; list?: boolean }) => {
    const specs = selectSpecs(names);
    if (options.list) {
      for (const s of specs) console.log(`${s.name.padEnd(16)} ${s.tag}`);
      return;
    }
    const config = loadStackConfig(process.env);
    const reporter = createReporter();
    const results = await buildImages(specs, {
      repoRoot: process.cwd(),
      stackDir: config.dir,
      cacheDir: config.cacheDir,
      reporter,
      force: options.force === true,
      installComponents: (components) => createStack(config).install(components),
    });
    await ensureComposePlugin(config.cacheDir, reporter);
    const env = writeComposeEnv(process.cwd(), process.env);
    console.log(['', 'image             tag                                  MiB  built', '-'.repeat(66)].join('\n'));
    for (const r of results) console.log(`${r.name.padEnd(17)} ${r.tag.padEnd(36)} ${String(r.sizeMiB).padStart(4)}  ${r.built ? `${r.seconds} s` : 'cached'}`);
    console.log(`\ncompose settings: ${env} (generated credentials, mode 600)\nnext: docker compose -f deploy/docker-compose.yml up -d --wait`);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`images: ${describeError(error)}`);
  process.exit(1);
});
