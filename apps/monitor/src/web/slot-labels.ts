// The words for a WAL relay's replication slot: its lines beside the outbox figures of the
// published stage, and the alert line when it holds back more WAL than the threshold. A slot no
// relay reads keeps WAL on the server's disk with every write, so it says so, in orange, whatever
// its size.
import type { SlotView } from './state.js';

export interface SlotFormat {
  bytes: (b: number | null) => string;
  count: (n: number | null) => string;
}

export interface SlotRow {
  /** Which figure (the page's data-slot-figure). */
  figure: 'lag' | 'records' | 'reader' | 'growth';
  label: string;
  text: string;
  warn: boolean;
}

/**
 * The slot's rows in the published stage's card, under its name: its lag, the records it still
 * owes, who reads it, and, with no reader, how fast the WAL it holds grows.
 */
export function slotRows(s: SlotView, f: SlotFormat): SlotRow[] {
  const rows: SlotRow[] = [
    { figure: 'lag', label: 'WAL held', text: f.bytes(s.lagBytes), warn: s.alert },
    { figure: 'records', label: 'records not confirmed', text: f.count(s.records), warn: false },
    { figure: 'reader', label: 'reader', text: s.active ? 'a relay' : 'none (inactive)', warn: !s.active },
  ];
  if (!s.active && s.growthBytesPerSecond !== null && s.growthBytesPerSecond > 0) {
    rows.push({ figure: 'growth', label: 'WAL held grows', text: `${f.bytes(s.growthBytesPerSecond)}/s`, warn: true });
  }
  return rows;
}

/** The alert line for a slot over the threshold (null: under it). */
export function slotAlert(s: SlotView, alertBytes: number, f: Pick<SlotFormat, 'bytes'>): string | null {
  if (!s.alert) return null;
  const reader = s.active
    ? 'A relay is reading it but is behind.'
    : 'No relay is reading it (inactive): start the relay with RELAY_SOURCE=wal, or drop the slot (relay --drop-slot) if it is no longer used.';
  return `Replication slot ${s.slot} holds ${f.bytes(s.lagBytes)} of WAL, over the alert threshold of ${f.bytes(alertBytes)}: PostgreSQL keeps it on disk until the slot moves. ${reader}`;
}
