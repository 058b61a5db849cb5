// Checks the relative links of the repository's markdown: each must name a file inside the
// repository that exists, and, for `#anchor` into markdown, a heading of that file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

const md = new MarkdownIt({ html: true });

/** The markdown the repository publishes: the root README, docs/*.md, and the README of each top folder and each app, lib and tool. */
export function repoMarkdownFiles(root: string): string[] {
  const files = ['README.md'];
  const mdIn = (dir: string) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).filter((f) => f.endsWith('.md')).map((f) => `${dir}/${f}`) : []);
  files.push(...mdIn('docs'));
  for (const top of readdirSync(root, { withFileTypes: true })) {
    if (!top.isDirectory() || top.name.startsWith('.') || top.name === 'node_modules') continue;
    if (existsSync(join(root, top.name, 'README.md'))) files.push(`${top.name}/README.md`);
  }
  for (const group of ['apps', 'libs', 'tools']) {
    if (!existsSync(join(root, group))) continue;
    for (const project of readdirSync(join(root, group), { withFileTypes: true })) {
      if (project.isDirectory() && existsSync(join(root, group, project.name, 'README.md'))) files.push(`${group}/${project.name}/README.md`);
    }
  }
  return files.sort();
}

/** Every link and image target of a markdown text, with its line (1-based). */
export function linkTargets(text: string): Array<{ target: string; line: number }> {
  const found: Array<{ target: string; line: number }> = [];
  const take = (token: Token, line: number) => {
    if (token.type === 'link_open') found.push({ target: token.attrGet('href') ?? '', line });
    if (token.type === 'image') found.push({ target: token.attrGet('src') ?? '', line });
    if (token.type === 'html_inline' || token.type === 'html_block') {
      for (const m of token.content.matchAll(/\s(?:href|src)="([^"]*)"/g)) found.push({ target: m[1]!, line });
    }
  };
  for (const block of md.parse(text, {})) {
    // Inline children carry no line of their own: count the line breaks within the block.
    let line = (block.map?.[0] ?? 0) + 1;
    take(block, line);
    for (const child of block.children ?? []) {
      if (child.type === 'softbreak' || child.type === 'hardbreak') line += 1;
      take(child, line);
    }
  }
  return found;
}

/** The anchors GitHub gives a markdown file's headings (the same slugs, numbered when repeated). */
export function headingAnchors(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const tokens = md.parse(text, {});
  tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const inline = tokens[i + 1]?.children ?? [];
    const title = inline
      .filter((t) => t.type === 'text' || t.type === 'code_inline')
      .map((t) => t.content)
      .join('');
    anchors.add(slugger.slug(title));
  });
  return anchors;
}

/** One line per link that is broken or leaves the repository: `file:line: target: why`. */
export function brokenLinks(root: string, files: string[]): string[] {
  const problems: string[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    if (!anchorsOf.has(file)) anchorsOf.set(file, headingAnchors(readFileSync(file, 'utf8')));
    return anchorsOf.get(file)!;
  };
  for (const file of files) {
    const source = resolve(root, file);
    for (const { target, line } of linkTargets(readFileSync(source, 'utf8'))) {
      const say = (why: string) => problems.push(`${file}:${line}: ${target}: ${why}`);
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: are not files of the repository
      if (target === '') {
        say('empty link');
        continue;
      }
      const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
      const path = decodeURIComponent(pathPart);
      if (isAbsolute(path)) {
        say('an absolute path (write it relative to this file)');
        continue;
      }
      const linked = path === '' ? source : resolve(dirname(source), path);
      const inRepo = relative(root, linked);
      if (inRepo.startsWith(`..${sep}`) || inRepo === '..' || isAbsolute(inRepo)) {
        say('points outside the repository');
        continue;
      }
      if (!existsSync(linked)) {
        say(`no such file (${inRepo})`);
        continue;
      }
      if (anchor !== undefined && statSync(linked).isFile() && extname(linked) === '.md' && !anchors(linked).has(decodeURIComponent(anchor))) {
        say(`no heading with anchor #${anchor} in ${inRepo}`);
      }
    }
  }
  return problems;
}
