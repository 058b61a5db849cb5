import { terminalSafe } from '@streamline/runtime';
import type { ComponentStatus } from './stack.js';

/** `status` as a table for people (what servers report, e.g. a version, shown with control characters escaped); `--json` prints the same rows as JSON for scripts. */
export function renderStatusTable(rows: ComponentStatus[]): string {
  const header = ['component', 'pid', 'port', 'health', 'rss MiB', 'detail'];
  const body = rows.map((r) => [r.name, r.pid?.toString() ?? '-', String(r.port), r.health, r.rssMiB?.toString() ?? '-', r.detail].map(terminalSafe));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
}
