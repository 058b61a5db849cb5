type Stall = { at?: string; attempts?: number; since?: string; reason?: string };

/**
 * Reads the apps' /healthz while the run waits and says, once each, every stall one reports
 * (records retried again and again at one place: a partition and offset, the outbox): a wait that
 * cannot end is never silent. An app that does not answer is left to the run's other checks.
 */
export function createStallNotice(apps: ReadonlyArray<{ name: string; url: string }>, say: (line: string) => void): { check(): Promise<void> } {
  const said = new Set<string>();
  return {
    async check() {
      await Promise.all(
        apps.map(async (app) => {
          const body = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(2_000) })
            .then((res) => res.json() as Promise<{ stalls?: Record<string, Stall> }>)
            .catch(() => undefined);
          for (const [key, stall] of Object.entries(body?.stalls ?? {})) {
            const id = `${app.name} ${key} ${stall.at ?? ''}`;
            if (said.has(id)) continue;
            said.add(id);
            say(`streamline: ${app.name} is stalled at ${key} ${stall.at ?? ''} (${stall.attempts ?? '?'} attempts since ${stall.since ?? '?'}): ${stall.reason ?? 'unknown'}; its /healthz says degraded until it moves (${app.url}/healthz)`);
          }
        }),
      );
    },
  };
}
