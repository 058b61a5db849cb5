import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

/** The paths the root README's "Layout" table lists (its first column). */
function layoutPaths(readme: string): Set<string> {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Layout\n')) ?? '';
  return new Set([...section.matchAll(/^\| \[?`([^`]+)`/gm)].map((m) => m[1]!.replace(/\/$/, '')));
}

describe("the root README's layout table", () => {
  it('lists every app, lib and tool, and the top folders', () => {
    const listed = layoutPaths(readFileSync(join(root, 'README.md'), 'utf8'));
    const projects = ['apps', 'libs', 'tools'].flatMap((group) =>
      readdirSync(join(root, group), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${group}/${e.name}`),
    );
    const missing = [...projects, 'deploy', 'airflow-dags', 'bench', 'docs'].filter((path) => !listed.has(path));
    expect(missing, 'add a row for each to the Layout table of README.md').toEqual([]);
  });
});
