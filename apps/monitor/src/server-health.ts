// A cheap probe of each server: one small request each, with a timeout, run every few seconds.
import type { Admin } from 'kafkajs';
import type { CassandraClient, PgPool } from '@streamline/clients';

export interface ServerHealth {
  name: string;
  up: boolean;
  detail: string;
  /** How long the probe took. */
  ms: number;
}

export async function probe(name: string, run: () => Promise<string>, timeoutMs = 3_000): Promise<ServerHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
    const detail = await Promise.race([run(), timeout]);
    return { name, up: true, detail, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { name, up: false, detail: e.cause?.code === 'ECONNREFUSED' ? 'connection refused' : e.message, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

async function json<T>(url: string, timeoutMs: number, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url.replace(/\?.*/, '')} answered ${res.status}`);
  return (await res.json()) as T;
}

export interface ServerProbes {
  pg: PgPool;
  admin: Pick<Admin, 'describeCluster'>;
  cassandra: Pick<CassandraClient, 'execute'>;
  registryUrl: string;
  /** The registry's login (registryHeaders of @streamline/clients). */
  registryHeaders: Record<string, string>;
  sparkMasterUiUrl: string;
  /** Undefined: no Airflow to probe. */
  airflowUrl?: string;
}

/** Every server, probed at once. */
export function probeServers(p: ServerProbes, timeoutMs = 5_000): Promise<ServerHealth[]> {
  const { airflowUrl } = p;
  return Promise.all([
    probe('postgres', async () => {
      const { rows } = await p.pg.query<{ v: string }>("SELECT split_part(version(), ' on ', 1) AS v");
      return rows[0]!.v;
    }, timeoutMs),
    probe('kafka', async () => {
      const c = await p.admin.describeCluster();
      return `${c.brokers.length} broker(s), controller ${c.controller ?? 'none'}`;
    }, timeoutMs),
    probe('schema-registry', async () => `${(await json<string[]>(`${p.registryUrl}/subjects`, timeoutMs, { headers: p.registryHeaders })).length} subjects`, timeoutMs),
    probe('cassandra', async () => {
      const rs = await p.cassandra.execute('SELECT release_version FROM system.local');
      return `release ${rs.first()?.get('release_version') ?? '?'}`;
    }, timeoutMs),
    probe('spark-master', async () => {
      const m = await json<{ status?: string; aliveworkers?: number; activeapps?: unknown[] }>(`${p.sparkMasterUiUrl}/json/`, timeoutMs);
      if (m.status !== 'ALIVE') throw new Error(`master ${m.status ?? 'status unknown'}`);
      return `ALIVE, ${m.aliveworkers ?? 0} worker(s), ${m.activeapps?.length ?? 0} app(s)`;
    }, timeoutMs),
    ...(airflowUrl === undefined
      ? []
      : [
          probe('airflow', async () => {
            const h = await json<Record<string, { status?: string | null } | undefined>>(`${airflowUrl}/api/v2/monitor/health`, timeoutMs);
            const parts = ['metadatabase', 'scheduler', 'dag_processor'].map((k) => `${k} ${h[k]?.status ?? 'not reporting'}`);
            if (h.metadatabase?.status !== 'healthy' || h.scheduler?.status !== 'healthy') throw new Error(parts.join(', '));
            return parts.join(', ');
          }, timeoutMs),
        ]),
  ]);
}
