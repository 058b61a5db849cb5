/**
 * `npm run stack -- top`: the monitor's flow and lag as a table in the terminal, for a server
 * without a browser. It reads the monitor's /api/state (the page's own data), so the two agree.
 */

/** The fields of the monitor's /api/state this view shows (the monitor's MonitorState, in part). */
export interface TopState {
  t: number;
  flow: Array<{ stage: string; count: number | null; ratePerSecond: number | null; sides: Array<{ label: string; count: number | null }> }>;
  lag: Array<{ group: string; topic: string; lag: { total: number; lagSeconds: number | null; consumedPerSecond: number | null } | null }>;
  latency: { p50: number | null; p95: number | null; p99: number | null; count: number } | null;
  apps: Array<{ name: string; state?: string; status?: string }>;
  errors: Record<string, string>;
}

const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '-' : v.toFixed(digits));
const secs = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(2)} s`);

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
}

export function renderTop(state: TopState, url: string): string {
  const flow = table(
    ['stage', 'count', 'per s', 'set aside'],
    state.flow.map((s) => [s.stage, num(s.count), num(s.ratePerSecond, 1), s.sides.filter((x) => (x.count ?? 0) > 0).map((x) => `${x.label} ${x.count}`).join(', ') || '-']),
  );
  const lag = table(
    ['consumer', 'topic', 'lag', 'lag s', 'per s'],
    state.lag.map((g) => [g.group, g.topic, num(g.lag?.total), g.lag && g.lag.total > 0 && g.lag.lagSeconds === null ? 'stalled' : num(g.lag?.lagSeconds, 1), num(g.lag?.consumedPerSecond, 1)]),
  );
  const latency = state.latency ? `latency staging -> Cassandra: p50 ${secs(state.latency.p50)}, p95 ${secs(state.latency.p95)}, p99 ${secs(state.latency.p99)} (${state.latency.count} users)` : 'latency: no users stored lately';
  const errors = Object.entries(state.errors).map(([source, why]) => `! ${source}: ${why}`);
  return [`streamline top: ${url} at ${new Date(state.t).toISOString()}`, '', ...flow, '', latency, '', ...lag, ...(errors.length ? ['', ...errors] : [])].join('\n');
}
