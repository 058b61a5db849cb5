// The schema registry through its Confluent REST API: subjects, their versions and compatibility.
import pLimit from 'p-limit';
import { registryHeaders } from '@streamline/clients';

export interface SubjectInfo {
  subject: string;
  versions: number[];
  latestId: number | null;
  /** The subject's level, or the global one it falls back to. */
  compatibility: string | null;
}

export interface RegistryState {
  global: string | null;
  subjects: SubjectInfo[];
  /** Subjects left out (more than `maxSubjects`). */
  omitted: number;
}

async function get<T>(url: string, timeoutMs: number, headers: Record<string, string>): Promise<T | null> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

export interface RegistryReader {
  read(): Promise<RegistryState>;
}

/**
 * Subjects the pipeline uses (`first`) come first, the others after in name order, at most
 * `maxSubjects`. Each subject costs three requests, and test runs leave many behind: the
 * pipeline's own are read at every call, the others again only after `othersTtlMs`.
 */
export function createRegistryReader(
  baseUrl: string,
  first: readonly string[],
  options: { maxSubjects?: number; timeoutMs?: number; othersTtlMs?: number; now?: () => number; headers?: Record<string, string> } = {},
): RegistryReader {
  // The registry's accept header and login: registryHeaders of @streamline/clients, its one owner.
  const headers = options.headers ?? registryHeaders({ url: baseUrl });
  const timeoutMs = options.timeoutMs ?? 5_000;
  const max = options.maxSubjects ?? 50;
  const othersTtlMs = options.othersTtlMs ?? 300_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { info: SubjectInfo; at: number }>();
  const limit = pLimit(4);

  const detail = async (subject: string, global: string | null): Promise<SubjectInfo> => {
    const s = encodeURIComponent(subject);
    const [versions, latest, config] = await Promise.all([
      get<number[]>(`${baseUrl}/subjects/${s}/versions`, timeoutMs, headers),
      get<{ id?: number }>(`${baseUrl}/subjects/${s}/versions/latest`, timeoutMs, headers),
      get<{ compatibilityLevel?: string }>(`${baseUrl}/config/${s}?defaultToGlobal=true`, timeoutMs, headers),
    ]);
    return { subject, versions: versions ?? [], latestId: latest?.id ?? null, compatibility: config?.compatibilityLevel ?? global };
  };

  return {
    async read() {
      const [all, globalConfig] = await Promise.all([get<string[]>(`${baseUrl}/subjects`, timeoutMs, headers), get<{ compatibilityLevel?: string }>(`${baseUrl}/config`, timeoutMs, headers)]);
      const subjects = all ?? [];
      const global = globalConfig?.compatibilityLevel ?? null;
      const ordered = [...first.filter((s) => subjects.includes(s)), ...subjects.filter((s) => !first.includes(s)).sort()];
      const chosen = ordered.slice(0, max);
      for (const subject of cache.keys()) if (!chosen.includes(subject)) cache.delete(subject);
      const t = now();
      const infos = await Promise.all(
        chosen.map((subject) =>
          limit(async () => {
            const cached = cache.get(subject);
            if (cached && !first.includes(subject) && t - cached.at < othersTtlMs) return cached.info;
            const info = await detail(subject, global);
            cache.set(subject, { info, at: t });
            return info;
          }),
        ),
      );
      return { global, subjects: infos, omitted: ordered.length - chosen.length };
    },
  };
}
