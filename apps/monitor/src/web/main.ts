// The monitor's page. State arrives over server-sent events (/api/events): a snapshot on connect,
// then one update per tick; each renders the whole page from it.
import { createCharts } from './charts.js';
import { createDeadLetters } from './dead-letters.js';
import { byId } from './dom.js';
import { wireFindForm } from './find-user.js';
import { renderAirflow, renderAlerts, renderCluster, renderErrors, renderFlow, renderHealth, renderLag, renderRegistry, renderTopics, renderUpdated } from './sections.js';
import type { ChartPoint, MonitorState, SnapshotEvent, UpdateEvent } from './state.js';

/** The charts' span: points older than this are dropped (the server keeps as much). */
const CHART_SPAN_MS = 15 * 60_000;

const points: ChartPoint[] = [];
const charts = createCharts();
const deadLetters = createDeadLetters();

function render(state: MonitorState): void {
  renderErrors(state);
  renderAlerts(state);
  renderFlow(state, points);
  renderTopics(state);
  renderLag(state);
  renderHealth(state);
  renderCluster(state);
  renderRegistry(state);
  renderAirflow(state);
  deadLetters.render(state).catch(() => undefined);
  renderUpdated(state);
  charts.draw(state, points);
}

function connect(): void {
  const live = byId('live');
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
    const { state, points: all } = JSON.parse(event.data as string) as SnapshotEvent;
    points.splice(0, points.length, ...all);
    render(state);
  });
  source.addEventListener('update', (event) => {
    const { state, point } = JSON.parse(event.data as string) as UpdateEvent;
    if (point && (points.length === 0 || points.at(-1)!.t !== point.t)) points.push(point);
    const cutoff = (point ? point.t : Date.now()) - CHART_SPAN_MS;
    while (points.length > 0 && points[0]!.t < cutoff) points.shift();
    render(state);
  });
}

wireFindForm();
connect();
