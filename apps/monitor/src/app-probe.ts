// Each app's /healthz and /metrics, read with a short timeout: an app that is not running (the
// ingestor between runs) is reported as such, not as an error of the monitor.
import { parsePrometheusText, sumSamples, type Sample } from '@streamline/runtime';

export interface AppProbe {
  app: string;
  url: string;
  /** 'down': nothing answers at the URL. */
  state: 'ready' | 'starting' | 'degraded' | 'stopping' | 'down';
  /** The /healthz body (dependencies, details) when it answered. */
  health: Record<string, unknown> | null;
  error: string | null;
  /** Why the app says it is degraded (a stall, a dependency down), one line; null when it does not. */
  reason: string | null;
  samples: Sample[];
  /** From the process metrics, when scraped. */
  process: { cpuSeconds: number; residentBytes: number; startedAt: number } | null;
}

async function get(url: string, timeoutMs: number): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
}

type HealthBody = {
  status?: string;
  stalls?: Record<string, { at?: string; attempts?: number; reason?: string }>;
  dependencies?: Record<string, { up?: boolean; reason?: string }>;
};

/** What a degraded /healthz names: each stall (where, how often, why), else each dependency down. */
export function degradedReason(body: HealthBody | null): string | null {
  if (body?.status !== 'degraded') return null;
  const stalls = Object.entries(body.stalls ?? {}).map(([key, s]) => `stalled at ${key} ${s.at ?? ''} (${s.attempts ?? '?'} attempts): ${s.reason ?? 'unknown'}`);
  const down = Object.entries(body.dependencies ?? {})
    .filter(([, d]) => d.up === false)
    .map(([name, d]) => `${name} down: ${d.reason ?? 'unknown'}`);
  return [...stalls, ...down].join('; ') || 'degraded';
}

const reasonOf = (error: unknown): string => {
  const e = error as Error & { cause?: { code?: string } };
  if (e.cause?.code === 'ECONNREFUSED') return 'not running (connection refused)';
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.message;
};

export async function probeApp(app: string, url: string, options: { metrics: boolean; timeoutMs?: number }): Promise<AppProbe> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const out: AppProbe = { app, url, state: 'down', health: null, error: null, reason: null, samples: [], process: null };
  try {
    const res = await get(`${url}/healthz`, timeoutMs);
    const body = (await res.json().catch(() => null)) as HealthBody | null;
    out.health = body;
    const status = body?.status;
    out.state = status === 'ready' || status === 'starting' || status === 'degraded' || status === 'stopping' ? status : res.ok ? 'ready' : 'degraded';
    out.reason = degradedReason(body);
  } catch (error) {
    out.error = reasonOf(error);
    return out;
  }
  if (options.metrics) {
    try {
      const res = await get(`${url}/metrics`, timeoutMs);
      if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
      out.samples = parsePrometheusText(await res.text());
      out.process = {
        cpuSeconds: sumSamples(out.samples, 'process_cpu_seconds_total'),
        residentBytes: sumSamples(out.samples, 'process_resident_memory_bytes'),
        startedAt: sumSamples(out.samples, 'process_start_time_seconds'),
      };
    } catch (error) {
      out.error = `metrics: ${reasonOf(error)}`;
    }
  }
  return out;
}
