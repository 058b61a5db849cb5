// The dead-letter section: the counts from the state, the latest entries from /api/dlq (fetched
// again only when the total moved).
import { byId, fillTable, h } from './dom.js';
import { fmt } from './format.js';
import type { DeadLetter, DlqResponse, MonitorState } from './state.js';

export function payloadView(payload: DeadLetter['payload']): HTMLElement {
  if (payload.kind === 'record') return h('details', {}, h('summary', { text: 'record' }), h('pre', { text: JSON.stringify(payload.record, null, 2) }));
  if (payload.kind === 'empty') return h('span', { class: 'muted', text: 'empty' });
  return h('details', {}, h('summary', { text: `${payload.kind}, ${payload.bytes} bytes` }), h('pre', { text: payload.text }));
}

export function createDeadLetters(): { render(state: MonitorState): Promise<void> } {
  let shownTotal = -1;
  return {
    async render(state) {
      const counts = state.dlq;
      const parts = Object.entries(counts.byStage).map(([stage, n]) => `${stage} ${fmt(n)}`);
      byId('dlq-summary').textContent = `${fmt(counts.total)} in ${state.config.topics.dlq}${parts.length ? ` (${parts.join(', ')})` : ''}${counts.following ? '' : ' · not following the topic yet'}`;
      if (counts.total === shownTotal) return;
      shownTotal = counts.total;
      const res = await fetch('/api/dlq?limit=50');
      if (!res.ok) throw new Error(`GET /api/dlq answered ${res.status}`);
      const { latest } = (await res.json()) as DlqResponse;
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
    },
  };
}
