import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinks, headingAnchors, repoMarkdownFiles } from './markdown-links.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe("the repository's markdown links", () => {
  it('every relative link in README.md, docs/ and the projects\' READMEs names an existing file (and heading) inside the repository', () => {
    const files = repoMarkdownFiles(root);
    // The root README, the docs, and the READMEs of the apps and libs are all read.
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/design.md', 'apps/relay/README.md', 'libs/staging/README.md', 'airflow-dags/README.md']));
    expect(brokenLinks(root, files)).toEqual([]);
  });

  it('reports a missing file, a missing heading, a link out of the repository and an absolute path, each with file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-links-'));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'a.md'), '# A title\n\n## The `npm start` command\n');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# Top',
        '[ok](docs/a.md#the-npm-start-command) [ok too](#top) [web](https://example.org/x)',
        '[gone](docs/b.md)',
        '[no heading](docs/a.md#nope)',
        '[out](../shared/DESIGN.md)',
        '![abs](/etc/passwd)',
        '`[in code](nowhere.md)`',
        '',
      ].join('\n'),
    );
    expect(brokenLinks(dir, repoMarkdownFiles(dir))).toEqual([
      'README.md:3: docs/b.md: no such file (docs/b.md)',
      'README.md:4: docs/a.md#nope: no heading with anchor #nope in docs/a.md',
      'README.md:5: ../shared/DESIGN.md: points outside the repository',
      'README.md:6: /etc/passwd: an absolute path (write it relative to this file)',
    ]);
  });

  it("anchors are GitHub's heading slugs, numbered when a heading repeats", () => {
    expect([...headingAnchors('# Real-time Mode (`--mode realtime`, the default)\n## Tests\n## Tests\n')]).toEqual([
      'real-time-mode---mode-realtime-the-default',
      'tests',
      'tests-1',
    ]);
  });
});
