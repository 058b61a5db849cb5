// The page's sections, each rendered whole from the latest state.
import { byId, fillTable, h } from './dom.js';
import { fmt, fmtBytes, fmtClock, fmtRate, fmtSeconds, fmtTime, fmtWindow } from './format.js';
import { groupLabel, lagCell } from './lag-labels.js';
import { instanceName, partitionsSummary } from './cluster-summary.js';
import { latencyHeading } from './latency-heading.js';
import { slotAlert, slotRows } from './slot-labels.js';
import type { ChartPoint, MonitorState, SlotView } from './state.js';

/** The chart's span (the server keeps this much history). */
const CHART_SPAN_TEXT = '15 min';

export function renderFlow(state: MonitorState, points: readonly ChartPoint[]): void {
  const cards = state.flow.map((s) =>
    h(
      'div',
      { class: 'stage', 'data-stage': s.stage },
      h('div', { class: 'name', text: s.stage }),
      h('div', { class: 'count', 'data-value': s.count ?? '', text: fmt(s.count) }),
      h('div', { class: 'rate', 'data-value': s.ratePerSecond ?? '', text: fmtRate(s.ratePerSecond) }),
      h(
        'ul',
        {},
        s.sides.map((side) =>
          h('li', { 'data-side': side.key }, h('span', { text: side.label }), h('span', { class: `n${side.count ? ' nonzero' : ''}`, 'data-value': side.count ?? '', text: fmt(side.count) })),
        ),
        // The WAL relay's slots beside the outbox figures (none when the relay polls).
        s.stage === 'published' ? (state.slots ?? []).flatMap(slotItems) : [],
      ),
    ),
  );
  byId('flow').replaceChildren(...cards);
  const c = state.config;
  byId('rate-window').textContent = fmtWindow(c.rateWindowMs);
  byId('latency-window').textContent = fmtWindow(c.latencyWindowMs);
  byId('lag-window').textContent = fmtWindow(c.lagWindowMs);
  const heading = latencyHeading(state.latency, points, fmtWindow(c.latencyWindowMs), CHART_SPAN_TEXT, { seconds: fmtSeconds, count: fmt, clock: fmtClock });
  byId('latency-now').replaceChildren(h('span', { class: heading.figures ? '' : 'muted', 'data-figures': heading.figures ? 'yes' : 'no', text: heading.text }));
}

/** A replication slot's lines in the published card: its name, then its figures (raw values in data-value). */
const slotItems = (s: SlotView) => {
  const raw = { lag: s.lagBytes, records: s.records, reader: String(s.active), growth: s.growthBytesPerSecond };
  return [
    h('li', { class: 'slot slot-name', 'data-slot': s.slot, 'data-slot-figure': 'name' }, h('span', {}, 'replication slot ', h('span', { class: 'mono', text: s.slot }))),
    ...slotRows(s, { bytes: fmtBytes, count: fmt }).map((row) =>
      h(
        'li',
        { class: 'slot', 'data-slot': s.slot, 'data-slot-figure': row.figure },
        h('span', { text: row.label }),
        h('span', { class: `n${row.warn ? ' nonzero' : ''}`, 'data-value': raw[row.figure], text: row.text }),
      ),
    ),
  ];
};

/** One line per replication slot over the alert threshold, above the page. */
export function renderAlerts(state: MonitorState): void {
  const box = byId('alerts');
  const lines = (state.slots ?? []).flatMap((s) => {
    const text = slotAlert(s, state.config.slotLagAlertBytes, { bytes: fmtBytes });
    return text === null ? [] : [h('li', { 'data-alert': 'slot-lag', 'data-slot': s.slot, text })];
  });
  box.hidden = lines.length === 0;
  box.replaceChildren(h('ul', {}, lines));
}

export function renderTopics(state: MonitorState): void {
  fillTable(
    'topics',
    state.topics.map((t) =>
      h(
        'tr',
        { 'data-topic': t.topic },
        h('td', { class: 'mono', text: t.topic }),
        h('td', { class: 'num', text: t.partitions ? t.partitions.length : 'missing' }),
        h('td', { class: 'mono', text: t.partitions ? t.partitions.map((p) => `${p.partition}:${p.high}`).join('  ') : '–' }),
        h('td', { class: 'num', 'data-value': t.messages ?? '', text: fmt(t.messages) }),
        h('td', { class: 'num', text: fmt(t.retained) }),
      ),
    ),
  );
}

export function renderLag(state: MonitorState): void {
  const rows: HTMLTableRowElement[] = [];
  for (const g of state.lag) {
    const parts = g.lag ? g.lag.partitions : [];
    const cell = (lag: number, seconds: number | null) => {
      const c = lagCell(g, lag, seconds, fmtSeconds);
      return h('td', { class: `num${c.warn ? ' warn' : ''}`, 'data-lag-state': c.text, text: c.text });
    };
    rows.push(
      h(
        'tr',
        { class: 'group-total', 'data-group': g.group },
        h('td', { class: 'mono', text: groupLabel(g) }),
        h('td', { class: 'mono', text: g.topic }),
        h('td', { text: 'all' }),
        h('td', { class: 'num', text: fmt(g.lag ? parts.reduce((s, p) => s + p.position, 0) : null) }),
        h('td', { class: 'num', text: fmt(g.lag ? parts.reduce((s, p) => s + p.end, 0) : null) }),
        h('td', { class: 'num', 'data-value': g.lag ? g.lag.total : '', text: fmt(g.lag?.total) }),
        g.lag ? cell(g.lag.total, g.lag.lagSeconds) : h('td', { class: 'num', 'data-lag-state': g.unknown === null ? '' : 'unknown', text: '–' }),
        h('td', { class: 'num', text: fmtRate(g.lag?.consumedPerSecond) }),
      ),
    );
    for (const p of parts) {
      rows.push(
        h(
          'tr',
          { 'data-group': g.group, 'data-partition': p.partition },
          h('td', { class: 'muted', text: '' }),
          h('td', {}),
          h('td', { class: 'num', text: p.partition }),
          h('td', { class: 'num', text: fmt(p.position) }),
          h('td', { class: 'num', text: fmt(p.end) }),
          h('td', { class: 'num', 'data-value': p.lag, text: fmt(p.lag) }),
          cell(p.lag, p.lagSeconds),
          h('td', { class: 'num', text: fmtRate(p.consumedPerSecond) }),
        ),
      );
    }
  }
  fillTable('lag', rows);
}

export function renderHealth(state: MonitorState): void {
  fillTable(
    'servers',
    state.servers.map((s) => h('tr', { 'data-server': s.name }, h('td', { text: s.name }), h('td', { class: s.up ? 'ok' : 'bad', text: s.up ? 'up' : 'down' }), h('td', { class: 'muted', text: `${s.detail} (${s.ms} ms)` }))),
  );
  const instances = new Map<string, number>();
  for (const a of state.apps) instances.set(a.app, (instances.get(a.app) ?? 0) + 1);
  fillTable(
    'apps',
    state.apps.map((a) => {
      // Degraded is red: a stalled partition or a dependency down holds records back until someone acts.
      const cls = a.state === 'ready' ? 'ok' : a.state === 'degraded' ? 'bad' : a.state === 'down' ? (a.app === 'ingestor' ? 'muted' : 'bad') : 'warn';
      const detail = a.state === 'down' && a.app === 'ingestor' ? 'between runs (a batch job)' : (a.reason ?? a.error ?? a.url);
      return h(
        'tr',
        { 'data-app': a.app, 'data-instance': a.url },
        h('td', { text: instanceName(a.app, a.url, instances.get(a.app) ?? 1) }),
        h('td', { class: cls, text: a.state }),
        h('td', { class: 'num', text: a.process ? a.process.cpuSeconds.toFixed(1) : '–' }),
        h('td', { class: 'num', text: a.process ? (a.process.residentBytes / 1048576).toFixed(0) : '–' }),
        h('td', { class: 'muted', text: detail }),
      );
    }),
  );
}

export function renderCluster(state: MonitorState): void {
  const { kafka, cassandra } = state.cluster;
  const summary = partitionsSummary(kafka);
  byId('cluster-summary').replaceChildren(h('span', { class: summary.warn ? 'warn' : 'muted', text: summary.text }));
  const upCell = (up: boolean) => h('td', { class: up ? 'ok' : 'bad', text: up ? 'up' : 'down' });
  fillTable('cluster', [
    ...(kafka?.brokers ?? []).map((b) =>
      h('tr', { 'data-broker': b.address, 'data-up': String(b.up) }, h('td', { text: 'kafka' }), h('td', { class: 'mono', text: b.address }), upCell(b.up), h('td', { class: 'muted', text: b.id === null ? 'not registered with the cluster' : `broker ${b.id}${b.controller ? ', controller' : ''}` })),
    ),
    ...(cassandra ?? []).map((n) =>
      h('tr', { 'data-node': n.address, 'data-up': String(n.up) }, h('td', { text: 'cassandra' }), h('td', { class: 'mono', text: n.address }), upCell(n.up), h('td', { class: 'muted', text: `${n.datacenter} / ${n.rack}` })),
    ),
  ]);
}

export function renderRegistry(state: MonitorState): void {
  const r = state.registry;
  byId('registry-global').textContent = r ? `global compatibility ${r.global ?? '?'}${r.omitted ? `, ${r.omitted} more subjects not shown` : ''}` : '';
  fillTable(
    'registry',
    (r?.subjects ?? []).map((s) =>
      h('tr', { 'data-subject': s.subject }, h('td', { class: 'mono', text: s.subject }), h('td', { text: s.versions.join(', ') }), h('td', { class: 'num', text: s.latestId ?? '–' }), h('td', { text: s.compatibility ?? '–' })),
    ),
  );
}

const runState = (state: string) => h('td', { class: state === 'success' ? 'ok' : state === 'failed' ? 'bad' : 'warn', text: state });

export function renderAirflow(state: MonitorState): void {
  // A stack without Airflow (MONITOR_AIRFLOW_URL=none) shows no empty Airflow tables.
  byId('airflow').hidden = !state.config.airflowWatched;
  const a = state.airflow;
  fillTable(
    'dags',
    (a?.dags ?? []).map((d) =>
      h('tr', { 'data-dag': d.dagId }, h('td', { text: d.dagId }), h('td', { text: d.paused ? 'yes' : 'no' }), h('td', { text: d.latest ? fmtTime(d.latest.startDate) : 'never' }), d.latest ? runState(d.latest.state) : h('td', { text: '–' })),
    ),
  );
  fillTable(
    'runs',
    (a?.runs ?? []).map((r) =>
      h('tr', {}, h('td', { text: r.dagId }), h('td', { class: 'mono', text: r.runId }), runState(r.state), h('td', { text: fmtTime(r.startDate) }), h('td', { class: 'num', text: r.duration === null ? '–' : fmtSeconds(r.duration) })),
    ),
  );
}

export function renderErrors(state: MonitorState): void {
  const box = byId('errors');
  const entries = Object.entries(state.errors);
  box.hidden = entries.length === 0;
  box.replaceChildren(h('ul', {}, entries.map(([source, message]) => h('li', {}, h('strong', { text: `${source}: ` }), message))));
}

export function renderUpdated(state: MonitorState): void {
  byId('updated').textContent = `updated ${fmtClock(state.t)}`;
}
