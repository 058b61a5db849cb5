// The three charts (uPlot, bundled into the page's script): records per second per stage, the
// latency quantiles, and the lag per consumer group, over the points the server keeps.
import uPlot from 'uplot';
import { byId } from './dom.js';
import { drawnLatencyPoints } from './latency-heading.js';
import type { ChartPoint, MonitorState } from './state.js';

const STAGES = ['fetched', 'staged', 'published', 'processed', 'stored'] as const;
const COLORS: Record<(typeof STAGES)[number] | 'dlq', string> = { fetched: '#8a97a8', staged: '#58a6ff', published: '#a371f7', processed: '#3fb950', stored: '#e3b341', dlq: '#f85149' };
const LAG_PALETTE = ['#58a6ff', '#e3b341', '#a371f7', '#3fb950'];
const HEIGHT = 220;

interface SeriesSpec {
  label: string;
  color: string;
  digits?: number;
}

interface Chart {
  plot: uPlot;
  el: HTMLElement;
  groups: string[];
}

function options(el: HTMLElement, series: readonly SeriesSpec[], yLabel: string): uPlot.Options {
  return {
    width: Math.max(200, el.clientWidth),
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      // Ticks at least 80 px apart: at 15-second steps uPlot's second line (the date, then each minute) overlapped its neighbour.
      { stroke: '#8a97a8', grid: { stroke: '#2a3441' }, space: 80 },
      { stroke: '#8a97a8', grid: { stroke: '#2a3441' }, label: yLabel, size: 60 },
    ],
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, value: (_u: uPlot, v: number | null) => (v === null ? '–' : v.toFixed(s.digits ?? 1)) }))],
  };
}

function make(elId: string, series: readonly SeriesSpec[], yLabel: string, groups: string[] = []): Chart {
  const el = byId(elId);
  el.replaceChildren();
  return { plot: new uPlot(options(el, series, yLabel), [[], ...series.map(() => [])], el), el, groups };
}

export interface Charts {
  draw(state: MonitorState, points: readonly ChartPoint[]): void;
}

export function createCharts(): Charts {
  let rates: Chart | undefined;
  let latency: Chart | undefined;
  let lag: Chart | undefined;

  window.addEventListener('resize', () => {
    for (const c of [rates, latency, lag]) c?.plot.setSize({ width: Math.max(200, c.el.clientWidth), height: HEIGHT });
  });

  return {
    draw(state, points) {
      rates ??= make('chart-rates', [...STAGES.map((s) => ({ label: s, color: COLORS[s] })), { label: 'dlq', color: COLORS.dlq }], 'records/s');
      latency ??= make(
        'chart-latency',
        [
          { label: 'p50', color: '#3fb950', digits: 2 },
          { label: 'p95', color: '#e3b341', digits: 2 },
          { label: 'p99', color: '#f85149', digits: 2 },
        ],
        'seconds',
      );
      const groups = state.lag.map((l) => l.group);
      if (!lag || lag.groups.join() !== groups.join()) {
        lag = make('chart-lag', groups.map((g, i) => ({ label: g, color: LAG_PALETTE[i % LAG_PALETTE.length]!, digits: 0 })), 'records', groups);
      }
      const x = points.map((p) => p.t / 1000);
      rates.plot.setData([x, ...STAGES.map((s) => points.map((p) => p.rates[s])), points.map((p) => p.rates.dlq)]);
      latency.plot.setData([x, points.map((p) => p.latency.p50), points.map((p) => p.latency.p95), points.map((p) => p.latency.p99)]);
      // What is drawn, for a reader of the page's markup (the browser test): the canvas holds no text.
      latency.el.dataset.drawn = String(drawnLatencyPoints(points));
      const lagChart = lag;
      lag.plot.setData([x, ...lagChart.groups.map((g) => points.map((p) => p.lag[g] ?? null))]);
    },
  };
}
