import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory (MiB) of each named process tree: the root and all its live descendants. */
export function rssByTree(roots: Map<string, number>): Map<string, number> {
  const procs = new Map<number, { ppid: number; rssKb: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      procs.set(Number(entry), { ppid, rssKb });
    } catch {
      // gone meanwhile
    }
  }
  const nameOf = new Map([...roots].map(([name, pid]) => [pid, name]));
  const out = new Map([...roots.keys()].map((name) => [name, 0]));
  for (const [pid, p] of procs) {
    for (let q: number | undefined = pid; q && q > 1; q = procs.get(q)?.ppid) {
      const name = nameOf.get(q);
      if (name) {
        out.set(name, out.get(name)! + p.rssKb / 1024);
        break;
      }
    }
  }
  return out;
}
