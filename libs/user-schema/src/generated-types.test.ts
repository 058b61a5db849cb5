import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outputPath, renderTypes, schemaFiles } from '../scripts/generate-types.js';

describe('generated TypeScript types', () => {
  it.each(schemaFiles)('%s.ts matches its .avsc (run `npm run gen:schema` after changing a schema)', (name) => {
    expect(readFileSync(outputPath(name), 'utf8')).toBe(renderTypes(name));
  });
});
