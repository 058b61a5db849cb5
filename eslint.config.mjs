import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.stack/**', '.nx/**', '**/src/generated/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Library boundaries (STYLE.md): apps import any lib; data-access imports domain/util;
      // domain imports util; testing code only from tests.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util'] },
            // Benches drive the apps through their public entry points (app-runner) and the libs, never app internals.
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util', 'type:tool'] },
          ],
        },
      ],
    },
  },
  {
    // One owner for PostgreSQL access: node-postgres is imported by libs/clients (connections) and
    // libs/staging (the staging tables' SQL) only; everything else goes through them.
    files: ['**/*.ts'],
    ignores: ['libs/clients/**', 'libs/staging/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'pg', message: 'PostgreSQL goes through @streamline/clients (connections) or @streamline/staging (SQL).' }] }],
    },
  },
  {
    // One owner for the pipeline's topics and subjects: libs/provisioning makes them (the stack,
    // compose's stack-setup and the tests run it); the apps and tools only check for them.
    files: ['apps/*/src/**/*.ts', 'tools/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['libs/clients/**', 'libs/provisioning/**', 'libs/staging/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pg', message: 'PostgreSQL goes through @streamline/clients (connections) or @streamline/staging (SQL).' },
            { name: '@streamline/clients', importNames: ['registerAvroSchema'], message: 'Subjects are registered by @streamline/provisioning only; apps look their schema up (requireSchemaId).' },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the testing lib and fixtures of any project.
    files: ['**/tests/**/*.ts', '**/*.test.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
