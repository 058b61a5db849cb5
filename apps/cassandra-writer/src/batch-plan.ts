import type { IHeaders } from 'kafkajs';
import type { UserProcessed } from '@streamline/user-schema';
import type { DlqEntry } from './dlq.js';
import type { DecodedMessage } from './user-record.js';
import type { RefusedUser } from './user-store.js';

/** The parts of a kafkajs message the writer uses. */
export interface SourceMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders | undefined;
}

/**
 * One write round: a contiguous run of offsets whose records are written and whose bad messages are
 * sent to the DLQ before `commitOffset` (last offset + 1) is committed.
 */
export interface WriteRound {
  /** One record per id: the one at the highest offset (what a sequential upsert would leave). */
  users: UserProcessed[];
  invalid: DlqEntry[];
  /** Records skipped because a later message in the round has the same id. */
  duplicates: number;
  messages: number;
  firstOffset: string;
  lastOffset: string;
  commitOffset: string;
}

/** Splits a fetched batch into rounds of at most `size` messages, in offset order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/**
 * Plans a round from messages (in offset order) and their decoded forms: dedupes ids so that no two
 * writes of one id race each other in the concurrent executor, and collects the DLQ entries.
 */
export function planRound(topic: string, partition: number, messages: readonly SourceMessage[], decoded: readonly DecodedMessage[]): WriteRound {
  if (messages.length === 0) throw new RangeError('a write round needs at least one message');
  if (messages.length !== decoded.length) throw new RangeError(`${messages.length} messages but ${decoded.length} decoded`);
  const byId = new Map<string, UserProcessed>();
  const invalid: DlqEntry[] = [];
  let records = 0;
  messages.forEach((message, i) => {
    const d = decoded[i]!;
    if (d.kind === 'user') {
      records++;
      byId.delete(d.user.id); // re-insert so the map keeps the order of the latest occurrence
      byId.set(d.user.id, d.user);
    } else {
      invalid.push({ topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers, reason: d.reason });
    }
  });
  const lastOffset = messages[messages.length - 1]!.offset;
  return {
    users: [...byId.values()],
    invalid,
    duplicates: records - byId.size,
    messages: messages.length,
    firstOffset: messages[0]!.offset,
    lastOffset,
    commitOffset: nextOffset(lastOffset),
  };
}

/**
 * The DLQ entries of the users Cassandra refused: each one's message (the last of the round with
 * its id, the one whose record was written), with Cassandra's reason.
 */
export function refusedEntries(topic: string, partition: number, messages: readonly SourceMessage[], decoded: readonly DecodedMessage[], refused: readonly RefusedUser[]): DlqEntry[] {
  if (refused.length === 0) return [];
  const reasons = new Map(refused.map((r) => [r.id, r.reason]));
  const last = new Map<string, SourceMessage>();
  messages.forEach((message, i) => {
    const d = decoded[i]!;
    if (d.kind === 'user' && reasons.has(d.user.id)) last.set(d.user.id, message);
  });
  return [...last].map(([id, m]) => ({ topic, partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers, reason: reasons.get(id)! }));
}
