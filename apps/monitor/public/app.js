// The monitor's page: plain JavaScript, no build step. State arrives over server-sent events
// (/api/events): a snapshot on connect, then one update per tick. Charts are uPlot's.
'use strict';

const STAGES = ['fetched', 'staged', 'published', 'processed', 'stored'];
const COLORS = { fetched: '#8a97a8', staged: '#58a6ff', published: '#a371f7', processed: '#3fb950', stored: '#e3b341', dlq: '#f85149' };
const points = [];
let lastState = null;
let lastDlqTotal = -1;

// ---- small helpers -------------------------------------------------------------------------

/** An element with attributes and children (strings become text nodes: nothing is parsed as HTML). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 }));
const fmtRate = (r) => (r === null || r === undefined ? '–/s' : `${r >= 100 ? Math.round(r).toLocaleString('en-US') : r.toFixed(1)}/s`);
const fmtSeconds = (s) => (s === null || s === undefined ? '–' : s === 0 ? '0 s' : s < 1 ? `${Math.round(s * 1000)} ms` : s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
const fmtWindow = (ms) => (ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);

function fillTable(id, rows) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...rows);
}

const stateClass = (ok) => (ok ? 'ok' : 'bad');

// ---- charts --------------------------------------------------------------------------------

const charts = {};

function chartOptions(el, series, yLabel) {
  return {
    width: Math.max(200, el.clientWidth),
    height: 220,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: '#8a97a8', grid: { stroke: '#2a3441' } },
      { stroke: '#8a97a8', grid: { stroke: '#2a3441' }, label: yLabel, size: 60 },
    ],
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, value: (_u, v) => (v === null ? '–' : v.toFixed(s.digits ?? 1)) }))],
  };
}

function makeChart(key, elId, series, yLabel) {
  const el = document.getElementById(elId);
  el.replaceChildren();
  const chart = new uPlot(chartOptions(el, series, yLabel), [[], ...series.map(() => [])], el);
  charts[key] = { chart, el, series };
}

function lagGroups() {
  return (lastState?.lag ?? []).map((l) => l.group);
}

function ensureCharts() {
  if (!charts.rates) {
    makeChart('rates', 'chart-rates', [...STAGES.map((s) => ({ label: s, color: COLORS[s] })), { label: 'dlq', color: COLORS.dlq }], 'records/s');
  }
  if (!charts.latency) {
    makeChart('latency', 'chart-latency', [
      { label: 'p50', color: '#3fb950', digits: 2 },
      { label: 'p95', color: '#e3b341', digits: 2 },
      { label: 'p99', color: '#f85149', digits: 2 },
    ], 'seconds');
  }
  const groups = lagGroups();
  if (!charts.lag || charts.lag.groups.join() !== groups.join()) {
    const palette = ['#58a6ff', '#e3b341', '#a371f7', '#3fb950'];
    makeChart('lag', 'chart-lag', groups.map((g, i) => ({ label: g, color: palette[i % palette.length], digits: 0 })), 'records');
    charts.lag.groups = groups;
  }
}

function drawCharts() {
  ensureCharts();
  const x = points.map((p) => p.t / 1000);
  charts.rates.chart.setData([x, ...STAGES.map((s) => points.map((p) => p.rates[s])), points.map((p) => p.rates.dlq)]);
  charts.latency.chart.setData([x, points.map((p) => p.latency.p50), points.map((p) => p.latency.p95), points.map((p) => p.latency.p99)]);
  charts.lag.chart.setData([x, ...charts.lag.groups.map((g) => points.map((p) => (p.lag[g] === undefined ? null : p.lag[g])))]);
}

window.addEventListener('resize', () => {
  for (const c of Object.values(charts)) c.chart.setSize({ width: Math.max(200, c.el.clientWidth), height: 220 });
});

// ---- sections ------------------------------------------------------------------------------

function renderFlow(state) {
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
      ),
    ),
  );
  document.getElementById('flow').replaceChildren(...cards);
  const c = state.config;
  document.getElementById('rate-window').textContent = fmtWindow(c.rateWindowMs);
  document.getElementById('latency-window').textContent = fmtWindow(c.latencyWindowMs);
  document.getElementById('lag-window').textContent = fmtWindow(c.lagWindowMs);
  const l = state.latency;
  document.getElementById('latency-now').replaceChildren(
    l && l.count > 0
      ? h('span', {}, `p50 ${fmtSeconds(l.p50)} · p95 ${fmtSeconds(l.p95)} · p99 ${fmtSeconds(l.p99)} `, h('span', { class: 'muted', text: `(${fmt(l.count)} users)` }))
      : h('span', { class: 'muted', text: 'no users stored in the window' }),
  );
}

function renderTopics(state) {
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

function renderLag(state) {
  const rows = [];
  for (const g of state.lag) {
    const parts = g.lag ? g.lag.partitions : [];
    const batchText = g.batch !== null ? `, ${g.checkpointedPerBatch ? 'realtime ' : ''}batch ${g.batch}` : g.checkpointedPerBatch ? ', realtime: first batch in progress' : '';
    const label = `${g.group} (${g.kind}${batchText})`;
    // Real-time Mode checkpoints only at each batch end: an unmoving lag in between is not a stall.
    const lagText = (lag, seconds) => (lag > 0 && seconds === null ? (g.checkpointedPerBatch ? 'at batch end' : 'stalled') : fmtSeconds(seconds));
    const lagClass = (lag, seconds) => `num ${lag > 0 && seconds === null && !g.checkpointedPerBatch ? 'warn' : ''}`;
    rows.push(
      h(
        'tr',
        { class: 'group-total', 'data-group': g.group },
        h('td', { class: 'mono', text: label }),
        h('td', { class: 'mono', text: g.topic }),
        h('td', { text: 'all' }),
        h('td', { class: 'num', text: fmt(parts.reduce((s, p) => s + p.position, 0)) }),
        h('td', { class: 'num', text: fmt(parts.reduce((s, p) => s + p.end, 0)) }),
        h('td', { class: 'num', 'data-value': g.lag ? g.lag.total : '', text: fmt(g.lag?.total) }),
        h('td', { class: lagClass(g.lag?.total ?? 0, g.lag?.lagSeconds ?? null), text: g.lag ? lagText(g.lag.total, g.lag.lagSeconds) : fmtSeconds(undefined) }),
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
          h('td', { class: lagClass(p.lag, p.lagSeconds), text: lagText(p.lag, p.lagSeconds) }),
          h('td', { class: 'num', text: fmtRate(p.consumedPerSecond) }),
        ),
      );
    }
  }
  fillTable('lag', rows);
}

function renderHealth(state) {
  fillTable(
    'servers',
    state.servers.map((s) => h('tr', { 'data-server': s.name }, h('td', { text: s.name }), h('td', { class: stateClass(s.up), text: s.up ? 'up' : 'down' }), h('td', { class: 'muted', text: `${s.detail} (${s.ms} ms)` }))),
  );
  fillTable(
    'apps',
    state.apps.map((a) => {
      // Degraded is red: a stalled partition or a dependency down holds records back until someone acts.
      const cls = a.state === 'ready' ? 'ok' : a.state === 'degraded' ? 'bad' : a.state === 'down' ? (a.app === 'ingestor' ? 'muted' : 'bad') : 'warn';
      const detail = a.state === 'down' && a.app === 'ingestor' ? 'between runs (a batch job)' : (a.reason ?? a.error ?? a.url);
      return h(
        'tr',
        { 'data-app': a.app },
        h('td', { text: a.app }),
        h('td', { class: cls, text: a.state }),
        h('td', { class: 'num', text: a.process ? a.process.cpuSeconds.toFixed(1) : '–' }),
        h('td', { class: 'num', text: a.process ? (a.process.residentBytes / 1048576).toFixed(0) : '–' }),
        h('td', { class: 'muted', text: detail }),
      );
    }),
  );
}

function renderRegistry(state) {
  const r = state.registry;
  document.getElementById('registry-global').textContent = r ? `global compatibility ${r.global ?? '?'}${r.omitted ? `, ${r.omitted} more subjects not shown` : ''}` : '';
  fillTable(
    'registry',
    (r?.subjects ?? []).map((s) =>
      h('tr', { 'data-subject': s.subject }, h('td', { class: 'mono', text: s.subject }), h('td', { text: s.versions.join(', ') }), h('td', { class: 'num', text: s.latestId ?? '–' }), h('td', { text: s.compatibility ?? '–' })),
    ),
  );
}

function runState(state) {
  const cls = state === 'success' ? 'ok' : state === 'failed' ? 'bad' : 'warn';
  return h('td', { class: cls, text: state });
}

function renderAirflow(state) {
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

function renderErrors(state) {
  const box = document.getElementById('errors');
  const entries = Object.entries(state.errors);
  box.hidden = entries.length === 0;
  box.replaceChildren(h('ul', {}, entries.map(([source, message]) => h('li', {}, h('strong', { text: `${source}: ` }), message))));
}

function payloadView(payload) {
  if (payload.kind === 'record') return h('details', {}, h('summary', { text: 'record' }), h('pre', { text: JSON.stringify(payload.record, null, 2) }));
  if (payload.kind === 'empty') return h('span', { class: 'muted', text: 'empty' });
  return h('details', {}, h('summary', { text: `${payload.kind}, ${payload.bytes} bytes` }), h('pre', { text: payload.text }));
}

async function renderDlq(state) {
  const counts = state.dlq;
  const parts = Object.entries(counts.byStage).map(([stage, n]) => `${stage} ${fmt(n)}`);
  document.getElementById('dlq-summary').textContent = `${fmt(counts.total)} in ${state.config.topics.dlq}${parts.length ? ` (${parts.join(', ')})` : ''}${counts.following ? '' : ' · not following the topic yet'}`;
  if (counts.total === lastDlqTotal) return;
  lastDlqTotal = counts.total;
  const res = await fetch('/api/dlq?limit=50');
  const { latest } = await res.json();
  fillTable(
    'dlq',
    latest.map((d) =>
      h(
        'tr',
        { 'data-key': d.key ?? '' },
        h('td', { text: new Date(d.timestamp).toLocaleTimeString() }),
        h('td', { text: d.stage }),
        h('td', { text: d.reason }),
        h('td', { class: 'mono', text: d.key ?? '–' }),
        h('td', { class: 'mono', text: d.source.topic ? `${d.source.topic}[${d.source.partition}]@${d.source.offset}` : '–' }),
        h('td', {}, payloadView(d.payload)),
      ),
    ),
  );
}

function render(state) {
  lastState = state;
  renderErrors(state);
  renderFlow(state);
  renderTopics(state);
  renderLag(state);
  renderHealth(state);
  renderRegistry(state);
  renderAirflow(state);
  renderDlq(state).catch(() => undefined);
  document.getElementById('updated').textContent = `updated ${new Date(state.t).toLocaleTimeString()}`;
  drawCharts();
}

// ---- find a user ---------------------------------------------------------------------------

function step(reached, title, ...detail) {
  return h('li', { class: reached ? 'reached' : 'missing' }, h('strong', { text: title }), detail.length ? ' ' : '', ...detail);
}

function traceView(t) {
  const p = t.published;
  const where = (p && (p.offset !== null ? `${p.topic}[${p.partition}]@${p.offset}` : p.offsetRange ? `${p.topic}[${p.partition}] offsets ${p.offsetRange[0]}–${p.offsetRange[1]}` : `${p.topic}[${p.partition}]`)) || '';
  const dlq = t.deadLetters;
  return h(
    'div',
    { class: 'trace', 'data-id': t.id, 'data-where': t.where },
    h('div', {}, h('span', { class: 'mono', text: t.id }), ' — ', h('span', { class: 'where', text: t.where })),
    h(
      'ol',
      {},
      step(Boolean(t.staged), 'staged', t.staged ? `${fmtTime(t.staged.at)} · ${t.staged.name} <${t.staged.email}> · ${t.staged.source}, run ${t.staged.ingestRunId}${t.staged.fetchedAgainBy.length ? ` · fetched again by ${t.staged.fetchedAgainBy.join(', ')}` : ''}` : 'not in staging'),
      step(
        Boolean(t.outbox?.publishedAt) || Boolean(p),
        'published',
        t.outboxDeadLetter
          ? `set aside by the relay: ${t.outboxDeadLetter.reason}`
          : t.outbox
            ? t.outbox.publishedAt
              ? `${fmtTime(t.outbox.publishedAt)} · ${where}${p && p.readBySpark !== null ? (p.readBySpark ? ' · read by Spark' : ' · not read by Spark yet') : ''}`
              : `waiting in the outbox since ${fmtTime(t.outbox.createdAt)}`
            : t.staged
              ? 'outbox row gone (published, then pruned by retention)'
              : '–',
      ),
      step(Boolean(t.processed), 'processed', t.processed ? fmtTime(t.processed.at) : dlq.some((d) => d.stage === 'spark') ? 'no: dead-lettered by Spark' : 'not yet'),
      step(Boolean(t.stored), 'stored', t.stored ? h('details', {}, h('summary', { text: `${fmtTime(t.stored.stored_at)} · ${t.stored.latency_ms} ms after staging` }), h('pre', { text: JSON.stringify(t.stored, null, 2) })) : 'no row in Cassandra'),
      dlq.length
        ? step(true, 'dead letter', h('ul', {}, dlq.map((d) => h('li', { 'data-dlq-stage': d.stage }, `${d.stage}: ${d.reason} (from ${d.source.topic}[${d.source.partition}]@${d.source.offset})`, payloadView(d.payload)))))
        : null,
    ),
  );
}

document.getElementById('find-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const q = document.getElementById('find-query').value.trim();
  const out = document.getElementById('find-result');
  if (!q) return;
  out.replaceChildren(h('div', { class: 'muted', text: 'searching…' }));
  try {
    const res = await fetch(`/api/find?q=${encodeURIComponent(q)}`);
    const body = await res.json();
    if (!res.ok) {
      out.replaceChildren(h('div', { class: 'bad', 'data-find': 'error', text: body.error }));
      return;
    }
    if (body.matches.length === 0) {
      out.replaceChildren(h('div', { class: 'muted', 'data-find': 'none', text: `no user with ${body.by === 'email' ? 'e-mail' : 'id'} ${body.query}` }));
      return;
    }
    out.replaceChildren(...body.matches.map(traceView), ...(body.truncated ? [h('div', { class: 'muted', text: 'more users have this e-mail; the first 10 are shown' })] : []));
  } catch (error) {
    out.replaceChildren(h('div', { class: 'bad', text: String(error) }));
  }
});

// ---- live channel --------------------------------------------------------------------------

function connect() {
  const live = document.getElementById('live');
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    live.dataset.state = 'live';
    live.textContent = 'live';
  });
  source.addEventListener('error', () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'reconnecting…';
  });
  source.addEventListener('snapshot', (event) => {
    const { state, points: all } = JSON.parse(event.data);
    points.length = 0;
    points.push(...all);
    render(state);
  });
  source.addEventListener('update', (event) => {
    const { state, point } = JSON.parse(event.data);
    if (point && (points.length === 0 || points.at(-1).t !== point.t)) points.push(point);
    const cutoff = (point ? point.t : Date.now()) - 15 * 60_000;
    while (points.length > 0 && points[0].t < cutoff) points.shift();
    render(state);
  });
}

connect();
