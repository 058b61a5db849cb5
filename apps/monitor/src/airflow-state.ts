// Airflow's latest DAG runs through its REST API (Airflow 3: /api/v2). The simple auth manager
// hands out a JWT for a username and password at POST /auth/token; the token is kept until it
// expires or a request answers 401.
import { readFile } from 'node:fs/promises';

export interface DagRunInfo {
  dagId: string;
  runId: string;
  state: string;
  runType: string | null;
  startDate: string | null;
  endDate: string | null;
  /** Seconds; null while running. */
  duration: number | null;
}

export interface AirflowState {
  dags: Array<{ dagId: string; paused: boolean; latest: DagRunInfo | null }>;
  runs: DagRunInfo[];
}

export interface AirflowClientOptions {
  url: string;
  username: string;
  password: string | undefined;
  /** The simple auth manager's generated passwords ({"admin": "..."}), read when no password is set. */
  passwordFile: string;
  timeoutMs?: number;
}

export interface AirflowClient {
  read(limit?: number): Promise<AirflowState>;
}

interface RawRun {
  dag_id: string;
  dag_run_id: string;
  state: string;
  run_type?: string;
  start_date?: string | null;
  end_date?: string | null;
  duration?: number | null;
}

const toRun = (r: RawRun): DagRunInfo => ({
  dagId: r.dag_id,
  runId: r.dag_run_id,
  state: r.state,
  runType: r.run_type ?? null,
  startDate: r.start_date ?? null,
  endDate: r.end_date ?? null,
  duration: r.duration ?? null,
});

export function createAirflowClient(options: AirflowClientOptions): AirflowClient {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let token: string | undefined;

  async function password(): Promise<string> {
    if (options.password) return options.password;
    let text: string;
    try {
      text = await readFile(options.passwordFile, 'utf8');
    } catch {
      throw new Error(`no Airflow password: set MONITOR_AIRFLOW_PASSWORD (no ${options.passwordFile})`);
    }
    const found = (JSON.parse(text) as Record<string, string>)[options.username];
    if (!found) throw new Error(`${options.passwordFile} has no password for ${options.username}`);
    return found;
  }

  async function login(): Promise<string> {
    const res = await fetch(`${options.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: options.username, password: await password() }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`Airflow login as ${options.username} answered ${res.status}`);
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error('Airflow login answered no access_token');
    return body.access_token;
  }

  async function get<T>(path: string, retried = false): Promise<T> {
    token ??= await login();
    const res = await fetch(`${options.url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    if ((res.status === 401 || res.status === 403) && !retried) {
      token = undefined;
      return get<T>(path, true);
    }
    if (!res.ok) throw new Error(`GET ${path.replace(/\?.*/, '')} answered ${res.status}`);
    return (await res.json()) as T;
  }

  return {
    async read(limit = 15) {
      const [dags, runs] = await Promise.all([
        get<{ dags: Array<{ dag_id: string; is_paused: boolean }> }>('/api/v2/dags?limit=100&order_by=dag_id'),
        get<{ dag_runs: RawRun[] }>(`/api/v2/dags/~/dagRuns?order_by=-run_after&limit=${Math.max(limit, 50)}`),
      ]);
      const all = runs.dag_runs.map(toRun);
      return {
        dags: dags.dags.map((d) => ({ dagId: d.dag_id, paused: d.is_paused, latest: all.find((r) => r.dagId === d.dag_id) ?? null })),
        runs: all.slice(0, limit),
      };
    },
  };
}
