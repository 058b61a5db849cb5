import { parsePrometheusText, sumSamples } from '@streamline/runtime';
import { waitFor } from './wait-for.js';

// The parser lives in libs/runtime (the monitor uses it too); re-exported for the tests that import it from here.
export { parsePrometheusText, type Sample } from '@streamline/runtime';

/** GET <base>/metrics: the sum of the samples named `name` whose labels include `labels`. */
export async function scrapeMetric(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET ${baseUrl}/metrics answered ${res.status}`);
  return sumSamples(parsePrometheusText(await res.text()), name, labels);
}

/** GET <base>/healthz: its status code and JSON body. */
export async function fetchHealth(baseUrl: string): Promise<{ status: number; body: { status: string; ready: boolean } & Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; ready: boolean } };
}

/** Waits until the app's /healthz is degraded with a stall under `key` (e.g. `outbox`), and returns that answer. */
export function waitForStall(baseUrl: string, key: string, timeoutMs = 120_000): Promise<Awaited<ReturnType<typeof fetchHealth>>> {
  return waitFor(
    async () => {
      const h = await fetchHealth(baseUrl);
      // Degraded at the first failure (a dependency marked down); the stall appears past its bound.
      return h.body.status === 'degraded' && (h.body.stalls as Record<string, unknown> | undefined)?.[key] ? h : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `/healthz degraded with ${key} stalled` },
  );
}
