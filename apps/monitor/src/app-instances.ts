// An app run as several instances (two relays, two writers on the cluster) counts as one stage:
// its instances' metrics are added up (counters and histogram buckets sum across processes), while
// the page still lists each instance with its own state.
import type { AppProbe } from './app-probe.js';

/** One probe per app: the samples of all its instances together; the process figures of the first one started. */
export function mergeInstances(probes: readonly AppProbe[]): Map<string, AppProbe> {
  const byApp = new Map<string, AppProbe>();
  for (const probe of probes) {
    const seen = byApp.get(probe.app);
    if (!seen) {
      byApp.set(probe.app, { ...probe, samples: [...probe.samples] });
      continue;
    }
    seen.samples.push(...probe.samples);
    // The earliest start: a restart of a later instance shows as counters going down, which the tallies take as a restart.
    if (probe.process && (!seen.process || probe.process.startedAt < seen.process.startedAt)) seen.process = probe.process;
  }
  return byApp;
}
