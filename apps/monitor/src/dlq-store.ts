// The dead letters the monitor has read from the DLQ topic: exact counts per stage (all of them),
// the latest ones for the browser, and an index by key (the user id) and e-mail for the search,
// both bounded: by count and by bytes (a record's payload has no size limit of its own).

export interface DeadLetter {
  /** Where it sits in the DLQ topic. */
  partition: number;
  offset: string;
  timestamp: number;
  /** The original message key: the user id for the pipeline's own messages. */
  key: string | null;
  /** dlq.stage: `spark`, `cassandra-writer`, ... */
  stage: string;
  reason: string;
  /** Where the message came from (dlq.topic, dlq.partition, dlq.offset). */
  source: { topic: string | null; partition: number | null; offset: string | null };
  /** The original value: decoded when it is a record of a known schema, else its bytes as text or hex. */
  payload: { kind: 'record'; record: Record<string, unknown> } | { kind: 'text' | 'hex'; text: string; bytes: number } | { kind: 'empty' };
}

export interface DlqStore {
  add(entry: DeadLetter): void;
  /** Dead letters per stage, and in total (every one read, not only those kept). */
  counts(): { total: number; byStage: Record<string, number> };
  /** Newest first. */
  latest(limit: number): DeadLetter[];
  /** By user id (the key, or the record's id) or e-mail (case-insensitive), newest first. */
  find(query: string): DeadLetter[];
  /** Bytes the kept entries take (see entryBytes). */
  keptBytes(): number;
}

const emailOf = (d: DeadLetter) => (d.payload.kind === 'record' && typeof d.payload.record.email === 'string' ? d.payload.record.email.trim().toLowerCase() : null);
const idOf = (d: DeadLetter) => (d.payload.kind === 'record' && typeof d.payload.record.id === 'string' ? d.payload.record.id.toLowerCase() : null);

/** An entry's size as the store accounts it: its JSON (what the page and the search send), UTF-8. */
export const entryBytes = (entry: DeadLetter) => Buffer.byteLength(JSON.stringify(entry));

/**
 * Keeps the newest dead letters, at most `keep` of them and `maxBytes` in all (an entry larger
 * than `maxBytes` alone is counted but not kept); counts all.
 */
export function createDlqStore(keep: number, maxBytes = Number.MAX_SAFE_INTEGER): DlqStore {
  const entries: { entry: DeadLetter; bytes: number }[] = [];
  const byStage = new Map<string, number>();
  let total = 0;
  let bytes = 0;
  const dropOldest = () => (bytes -= entries.shift()!.bytes);
  return {
    add(entry) {
      total++;
      byStage.set(entry.stage, (byStage.get(entry.stage) ?? 0) + 1);
      const size = entryBytes(entry);
      if (size > maxBytes) return;
      entries.push({ entry, bytes: size });
      bytes += size;
      while (entries.length > keep || bytes > maxBytes) dropOldest();
    },
    counts: () => ({ total, byStage: Object.fromEntries(byStage) }),
    keptBytes: () => bytes,
    latest: (limit) => entries.slice(-limit).map((e) => e.entry).reverse(),
    find(query) {
      const q = query.trim().toLowerCase();
      if (!q) return [];
      return entries.map((e) => e.entry).filter((d) => d.key?.toLowerCase() === q || idOf(d) === q || emailOf(d) === q).reverse();
    },
  };
}

const PREVIEW_BYTES = 2048;

/** A payload that is no record: text when it reads as text, else hex; both cut at 2 KiB. */
export function describeBytes(value: Buffer | null): DeadLetter['payload'] {
  if (!value || value.length === 0) return { kind: 'empty' };
  const head = value.subarray(0, PREVIEW_BYTES);
  const text = head.toString('utf8');
  // Printable UTF-8 only (no replacement characters, no control bytes but whitespace).
  const printable = !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F\u007F]/.test(text);
  return printable ? { kind: 'text', text, bytes: value.length } : { kind: 'hex', text: head.toString('hex'), bytes: value.length };
}
