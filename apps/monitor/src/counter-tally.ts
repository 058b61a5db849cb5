// A counter of a short-lived app (the ingestor runs once per batch and takes its /metrics with it)
// summed over the runs the monitor saw.

export interface CounterTally {
  /** One scrape: the counter's value and its process's start (process_start_time_seconds). */
  observe(value: number, processStartSeconds: number): void;
  total(): number;
}

/**
 * Runs that started after the monitor count in full; a run already going when the monitor started
 * counts from the first scrape (what it did before is unknown). A value that went down within one
 * process is ignored (it cannot, for a counter).
 */
export function createCounterTally(monitorStartMs: number): CounterTally {
  let total = 0;
  let last: { value: number; start: number } | undefined;
  return {
    observe(value, start) {
      if (last && last.start === start) total += Math.max(0, value - last.value);
      else if (start * 1000 >= monitorStartMs) total += value;
      last = { value: last && last.start === start ? Math.max(value, last.value) : value, start };
    },
    total: () => total,
  };
}
