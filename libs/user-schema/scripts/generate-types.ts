// Generates the TypeScript types in src/generated/ from the Avro schemas in avro/.
// The .avsc files are the single definition; `generated-types.test.ts` fails when the committed
// output differs from what this script would write, so the two cannot drift.
import { toTypeScript } from '@ovotech/avro-ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const libRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const schemaFiles = ['users_created', 'users_processed'] as const;

export function renderTypes(name: (typeof schemaFiles)[number]): string {
  const schema = JSON.parse(readFileSync(join(libRoot, 'avro', `${name}.avsc`), 'utf8'));
  // avro-ts (built on TypeScript 4) warns about deprecated factory calls; keep the output clean.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    const body = toTypeScript(schema, { logicalTypes: { 'timestamp-millis': 'number', date: 'number' } });
    return `// GENERATED from avro/${name}.avsc by scripts/generate-types.ts. Do not edit: run \`npm run gen:schema\`.\n${body}\n`;
  } finally {
    console.warn = warn;
  }
}

export function outputPath(name: string): string {
  return join(libRoot, 'src', 'generated', `${name}.ts`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const name of schemaFiles) {
    writeFileSync(outputPath(name), renderTypes(name));
    console.log(`wrote ${outputPath(name)}`);
  }
}
