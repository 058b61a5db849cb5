/** What `/healthz` reports: live while the process runs; ready once started, every dependency answers and no work is stalled. */
export interface HealthReport {
  status: 'starting' | 'ready' | 'degraded' | 'stopping';
  ready: boolean;
  /** Dependencies seen down, with why and since when (ISO time); up ones are listed as up. */
  dependencies: Record<string, { up: boolean; since: string; reason?: string }>;
  /** App-specific facts (e.g. the Spark query's progress), shown as they are. */
  details?: Record<string, unknown>;
  /** Work retried on the same records past its bound (see stall-watch.ts), by where it is stuck; any makes the app degraded. */
  stalls?: Record<string, StallReport>;
}

/** Work failing again and again on the same records: where (e.g. partition and offset), since when, how often, why. */
export interface StallReport {
  at: string;
  since: string;
  attempts: number;
  reason: string;
}

export interface Health {
  /** Start-up done: the app takes work. */
  started(): void;
  stopping(): void;
  up(dependency: string): void;
  down(dependency: string, reason: string): void;
  /** Work stuck at `key` past its bound: the app is degraded until resumed(key). */
  stalled(key: string, stall: StallReport): void;
  resumed(key: string): void;
  /** Adds app-specific facts to every report. */
  details(provider: () => Record<string, unknown>): void;
  report(): HealthReport;
}

export function createHealth(now: () => Date = () => new Date()): Health {
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  const deps = new Map<string, { up: boolean; since: string; reason?: string }>();
  const stalls = new Map<string, StallReport>();
  let provider: (() => Record<string, unknown>) | undefined;
  return {
    started: () => void (phase = phase === 'starting' ? 'running' : phase),
    stopping: () => void (phase = 'stopping'),
    up(dependency) {
      if (deps.get(dependency)?.up !== true) deps.set(dependency, { up: true, since: now().toISOString() });
    },
    down(dependency, reason) {
      const prev = deps.get(dependency);
      deps.set(dependency, { up: false, since: prev && !prev.up ? prev.since : now().toISOString(), reason });
    },
    stalled: (key, stall) => void stalls.set(key, stall),
    resumed: (key) => void stalls.delete(key),
    details(p) {
      provider = p;
    },
    report() {
      const allUp = [...deps.values()].every((d) => d.up) && stalls.size === 0;
      const status = phase === 'stopping' ? 'stopping' : phase === 'starting' ? 'starting' : allUp ? 'ready' : 'degraded';
      return {
        status,
        ready: status === 'ready',
        dependencies: Object.fromEntries(deps),
        ...(provider ? { details: provider() } : {}),
        ...(stalls.size > 0 ? { stalls: Object.fromEntries(stalls) } : {}),
      };
    },
  };
}
