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
