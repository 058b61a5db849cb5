import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds per named process tree (the process, its live descendants, and the children it reaped). */
export type CpuByTree = Map<string, number>;

const TICKS_PER_S = 100; // USER_HZ on Linux

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks */
  ticks: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), see proc(5).
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined;
  }
}

/** A snapshot: each root pid's tree's CPU seconds so far. */
export function cpuByTree(roots: Map<string, number>): CpuByTree {
  const stats = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) stats.set(Number(entry), s);
  }
  const nameOf = new Map([...roots].map(([name, pid]) => [pid, name]));
  const out: CpuByTree = new Map([...roots.keys()].map((name) => [name, 0]));
  for (const [pid, s] of stats) {
    // Nearest root among this process and its ancestors.
    for (let p: number | undefined = pid; p && p > 1; p = stats.get(p)?.ppid) {
      const name = nameOf.get(p);
      if (name) {
        out.set(name, out.get(name)! + s.ticks / TICKS_PER_S);
        break;
      }
    }
  }
  return out;
}

export function cpuDelta(before: CpuByTree, after: CpuByTree): CpuByTree {
  return new Map([...after].map(([name, s]) => [name, s - (before.get(name) ?? 0)]));
}
