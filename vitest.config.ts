import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The libs' import aliases come from tsconfig.base.json, the one place they are declared.
const { paths } = JSON.parse(readFileSync('tsconfig.base.json', 'utf8')).compilerOptions as { paths: Record<string, string[]> };
// Exact matches, so '@streamline/user-schema' does not swallow '@streamline/user-schema/testing'.
const alias = Object.entries(paths).map(([name, [target]]) => ({ find: new RegExp(`^${name}$`), replacement: resolve(target!) }));

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{apps,libs,tools}/**/src/**/*.test.ts', 'bench/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{apps,libs,tools,airflow-dags}/**/tests/**/*.int.test.ts'],
          // The real servers start once per run (or are reused when already up).
          globalSetup: ['libs/testing/src/global-setup.ts'],
          hookTimeout: 900_000,
          testTimeout: 180_000,
          // Two cores run every server: one test file at a time keeps timings sane.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The compose stack on the project's images (docs/docker.md); skipped, saying so, without an engine.
          name: 'docker',
          include: ['{apps,libs,tools}/**/tests/**/*.docker.test.ts'],
          globalSetup: ['libs/testing/src/compose-global-setup.ts'],
          hookTimeout: 1_800_000,
          testTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The cluster topology (deploy/docker-compose.cluster.yml) under faults; its own compose
          // project, run after the docker suite (never beside it: two stacks on two cores).
          name: 'cluster',
          include: ['{apps,libs,tools}/**/tests/**/*.cluster.test.ts'],
          globalSetup: ['libs/testing/src/cluster-global-setup.ts'],
          hookTimeout: 1_800_000,
          testTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
