/** What the standalone master says about one application (its UI's JSON), or null when it cannot tell. */
export interface SparkAppInfo {
  id: string;
  name: string;
  state: string;
  cores: number;
  memoryperexecutor?: number;
}

export async function fetchSparkApp(masterUiUrl: string, applicationId: string, timeoutMs = 2000): Promise<SparkAppInfo | null> {
  try {
    const res = await fetch(`${masterUiUrl.replace(/\/$/, '')}/json/`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const json = (await res.json()) as { activeapps?: SparkAppInfo[]; completedapps?: SparkAppInfo[] };
    return [...(json.activeapps ?? []), ...(json.completedapps ?? [])].find((app) => app.id === applicationId) ?? null;
  } catch {
    return null;
  }
}

/** One worker as the standalone master's JSON reports it. */
export interface SparkWorkerInfo {
  id: string;
  state: string;
  cores: number;
  coresused: number;
}

/** The master's alive workers, or null when the master's UI does not answer. */
export async function fetchSparkWorkers(masterUiUrl: string, timeoutMs = 2000): Promise<SparkWorkerInfo[] | null> {
  try {
    const res = await fetch(`${masterUiUrl.replace(/\/$/, '')}/json/`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const json = (await res.json()) as { workers?: SparkWorkerInfo[] };
    return (json.workers ?? []).filter((w) => w.state === 'ALIVE');
  } catch {
    return null;
  }
}
