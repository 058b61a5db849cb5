// "Find a user": the form, and one user's trace across staging, Kafka, Spark, Cassandra and the DLQ.
import { payloadView } from './dead-letters.js';
import { byId, h, type Child } from './dom.js';
import { fmtTime } from './format.js';
import type { FindResult, UserTrace } from './state.js';

function step(reached: boolean, title: string, ...detail: Child[]): HTMLLIElement {
  return h('li', { class: reached ? 'reached' : 'missing' }, h('strong', { text: title }), detail.length ? ' ' : '', ...detail);
}

function publishedWhere(p: UserTrace['published']): string {
  if (!p) return '';
  if (p.offset !== null) return `${p.topic}[${p.partition}]@${p.offset}`;
  if (p.offsetRange) return `${p.topic}[${p.partition}] offsets ${p.offsetRange[0]}–${p.offsetRange[1]}`;
  return `${p.topic}[${p.partition}]`;
}

/** " (+N ms)": the hop from the previous clock reading, when both are known. */
function hop(from: string | null, to: string | null): string {
  return from && to ? ` (+${Date.parse(to) - Date.parse(from)} ms)` : '';
}

function publishedDetail(t: UserTrace): string {
  const p = t.published;
  if (t.outboxDeadLetter) return `set aside by the relay: ${t.outboxDeadLetter.reason}`;
  // Once stored, the broker's append time (the record's Kafka timestamp) is known from the row.
  const reached = t.times.published ? `${fmtTime(t.times.published)}${hop(t.times.staged, t.times.published)} reached Kafka` : null;
  if (!t.outbox) return reached ?? (t.staged ? 'outbox row gone (published, then pruned by retention)' : '–');
  if (!t.outbox.publishedAt) return `waiting in the outbox since ${fmtTime(t.outbox.createdAt)}`;
  const read = p && p.readBySpark !== null ? (p.readBySpark ? ' · read by Spark' : ' · not read by Spark yet') : '';
  return `${reached ?? `acknowledged to the relay ${fmtTime(t.outbox.publishedAt)}`} · ${publishedWhere(p)}${read}`;
}

function stagedDetail(s: NonNullable<UserTrace['staged']>): string {
  return `${fmtTime(s.at)} · ${s.name} <${s.email}> · ${s.source}, run ${s.ingestRunId}${s.fetchedAgainBy.length ? ` · fetched again by ${s.fetchedAgainBy.join(', ')}` : ''}`;
}

export function traceView(t: UserTrace): HTMLDivElement {
  const dlq = t.deadLetters;
  const stored = t.stored;
  return h(
    'div',
    { class: 'trace', 'data-id': t.id, 'data-where': t.where },
    h('div', {}, h('span', { class: 'mono', text: t.id }), ' — ', h('span', { class: 'where', text: t.where })),
    h(
      'ol',
      {},
      step(Boolean(t.staged), 'staged', t.staged ? stagedDetail(t.staged) : 'not in staging'),
      step(Boolean(t.outbox?.publishedAt) || Boolean(t.published) || Boolean(t.times.published), 'published', publishedDetail(t)),
      step(
        Boolean(t.processed),
        'processed',
        t.processed ? `${fmtTime(t.processed.at)}${hop(t.times.published, t.times.processed)}` : dlq.some((d) => d.stage === 'spark') ? 'no: dead-lettered by Spark' : 'not yet',
      ),
      step(
        Boolean(stored),
        'stored',
        stored
          ? h('details', {}, h('summary', { text: `${fmtTime(stored.stored_at)}${hop(t.times.processed, t.times.stored)} · ${stored.latency_ms} ms after staging` }), h('pre', { text: JSON.stringify(stored, null, 2) }))
          : 'no row in Cassandra',
      ),
      dlq.length
        ? step(true, 'dead letter', h('ul', {}, dlq.map((d) => h('li', { 'data-dlq-stage': d.stage }, `${d.stage}: ${d.reason} (from ${d.source.topic}[${d.source.partition}]@${d.source.offset})`, payloadView(d.payload)))))
        : null,
    ),
  );
}

export function wireFindForm(): void {
  const form = byId<HTMLFormElement>('find-form');
  const input = byId<HTMLInputElement>('find-query');
  const out = byId('find-result');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    out.replaceChildren(h('div', { class: 'muted', text: 'searching…' }));
    void search(q, out);
  });
}

async function search(q: string, out: HTMLElement): Promise<void> {
  try {
    const res = await fetch(`/api/find?q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as FindResult | { error: string };
    if (!res.ok || 'error' in body) {
      out.replaceChildren(h('div', { class: 'bad', 'data-find': 'error', text: 'error' in body ? body.error : `the search answered ${res.status}` }));
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
}
