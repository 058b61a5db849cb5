import { terminalSafe } from '@streamline/runtime';

export interface RunReport {
  runId: string;
  ingest: Record<string, unknown>;
  relay: { published: number; p50Ms: number | null; p99Ms: number | null };
  stored: number;
  /** Of `stored`, users an earlier run had staged (and stored). */
  storedEarlier: number;
  p50: number | undefined;
  p99: number | undefined;
  waitedMs: number;
}

const ms = (v: number | undefined) => (v === undefined ? '-' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`);

/** The per-stage table `npm start` ends with; the ingestor's values (source, seed, ...) are shown with control characters escaped. */
export function renderRunReport(r: RunReport): string {
  const rows: Array<[string, string, string]> = ([
    ['fetched', String(r.ingest.fetched ?? '-'), `source ${r.ingest.source ?? '-'}, seed ${r.ingest.seed ?? '-'}`],
    ['staged (new)', String(r.ingest.staged ?? '-'), `${r.ingest.rate ?? '-'} users/s into PostgreSQL`],
    ['duplicates skipped', String(r.ingest.duplicates ?? '-'), 'already staged by an earlier run'],
    ['rejected', String(r.ingest.rejected ?? '-'), 'bad records, reasons in the ingestor log'],
    ['published to Kafka (relay)', String(r.relay.published), `staged -> published p50 ${ms(r.relay.p50Ms ?? undefined)}, p99 ${ms(r.relay.p99Ms ?? undefined)}`],
    [
      'stored in Cassandra',
      String(r.stored),
      `${r.storedEarlier > 0 ? `${r.storedEarlier} of them by an earlier run; ` : ''}waited ${ms(r.waitedMs)} after ingest` +
        (r.stored > r.storedEarlier ? ` (${Math.round(((r.stored - r.storedEarlier) * 1000) / r.waitedMs)} new users/s)` : ''),
    ],
    ['latency staging -> Cassandra', `p50 ${ms(r.p50)}`, `p99 ${ms(r.p99)}`],
  ] as Array<[string, string, string]>).map(([a, b, c]) => [a, terminalSafe(b), terminalSafe(c)]);
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  return [`run ${terminalSafe(r.runId)}`, ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`)].join('\n');
}
