// The schema registry through its Confluent REST API: subjects, their versions and compatibility.
import pLimit from 'p-limit';

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

async function get<T>(url: string, timeoutMs: number): Promise<T | null> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' } });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Subjects the pipeline uses (`first`) come first, the others after in name order, at most
 * `maxSubjects` (each costs three requests; test runs leave many behind).
 */
export async function readRegistry(baseUrl: string, first: readonly string[], options: { maxSubjects?: number; timeoutMs?: number } = {}): Promise<RegistryState> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const max = options.maxSubjects ?? 50;
  const all = (await get<string[]>(`${baseUrl}/subjects`, timeoutMs)) ?? [];
  const ordered = [...first.filter((s) => all.includes(s)), ...all.filter((s) => !first.includes(s)).sort()];
  const chosen = ordered.slice(0, max);
  const global = (await get<{ compatibilityLevel?: string }>(`${baseUrl}/config`, timeoutMs))?.compatibilityLevel ?? null;
  const limit = pLimit(4);
  const subjects = await Promise.all(
    chosen.map((subject) =>
      limit(async (): Promise<SubjectInfo> => {
        const s = encodeURIComponent(subject);
        const [versions, latest, config] = await Promise.all([
          get<number[]>(`${baseUrl}/subjects/${s}/versions`, timeoutMs),
          get<{ id?: number }>(`${baseUrl}/subjects/${s}/versions/latest`, timeoutMs),
          get<{ compatibilityLevel?: string }>(`${baseUrl}/config/${s}?defaultToGlobal=true`, timeoutMs),
        ]);
        return { subject, versions: versions ?? [], latestId: latest?.id ?? null, compatibility: config?.compatibilityLevel ?? global };
      }),
    ),
  );
  return { global, subjects, omitted: ordered.length - chosen.length };
}
