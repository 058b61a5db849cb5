import { pollUntil, sleep } from '@streamline/runtime';
import { cpuByTree, cpuDelta } from './cpu-usage.js';
import { rssByTree } from './memory-usage.js';

/** What a measured window cost: wall time, CPU seconds and peak resident memory (MiB) per process tree. */
export interface Window {
  ms: number;
  cpu: Map<string, number>;
  peakRssMiB: Map<string, number>;
}

/** Runs `work` and reads each named tree's CPU around it, sampling memory for its peak meanwhile. */
export async function measureWindow(roots: Map<string, number>, work: () => Promise<void>, sampleMs = 1000): Promise<Window> {
  const peak = new Map<string, number>();
  const sample = () => {
    for (const [name, mib] of rssByTree(roots)) peak.set(name, Math.max(peak.get(name) ?? 0, mib));
  };
  sample();
  const timer = setInterval(sample, sampleMs);
  const before = cpuByTree(roots);
  const t0 = Date.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const ms = Date.now() - t0;
  const cpu = cpuDelta(before, cpuByTree(roots));
  sample();
  return { ms, cpu, peakRssMiB: peak };
}

/** CPU µs per user of the named trees together (all of them when `names` is empty). */
export function usPerUser(window: Window, users: number, names: string[] = []): number {
  const picked = [...window.cpu].filter(([name]) => names.length === 0 || names.includes(name));
  return (picked.reduce((sum, [, s]) => sum + s, 0) * 1e6) / users;
}

// The runtime's sleep, for the benches' polling loops.
export { sleep };

/** Polls `done` every `everyMs` until it holds; throws after `timeoutMs` naming `what`. */
export async function until(done: () => Promise<boolean>, what: string, timeoutMs = 600_000, everyMs = 250): Promise<void> {
  await pollUntil(done, { timeoutMs, intervalMs: everyMs, what, onTimeout: () => new Error(`bench: timed out after ${timeoutMs / 1000} s waiting for ${what}`) });
}
