import type { IHeaders, Message, Producer } from 'kafkajs';
import { isMessageTooLarge } from '@streamline/clients';

export const DLQ_STAGE = 'cassandra-writer';
const MAX_REASON_LENGTH = 1000;

/** A message that cannot be stored, with where it came from and why. */
export interface DlqEntry {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders | undefined;
  reason: string;
}

/** One line, bounded: headers are read by people and by tools that split on newlines. */
export function oneLine(text: string, max = MAX_REASON_LENGTH): string {
  const line = text.replace(/\s+/g, ' ').trim() || 'unknown reason';
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** The pipeline contract's DLQ headers (dlq.reason, dlq.stage, dlq.topic, dlq.partition, dlq.offset). */
export function buildDlqHeaders(entry: Pick<DlqEntry, 'topic' | 'partition' | 'offset' | 'reason'>): Record<string, string> {
  return {
    'dlq.reason': oneLine(entry.reason),
    'dlq.stage': DLQ_STAGE,
    'dlq.topic': entry.topic,
    'dlq.partition': String(entry.partition),
    'dlq.offset': entry.offset,
  };
}

/** The original key, value and headers, plus the dlq.* headers (which win over same-named originals). */
export function buildDlqMessage(entry: DlqEntry): Message {
  return {
    key: entry.key,
    value: entry.value,
    headers: { ...(entry.headers ?? {}), ...buildDlqHeaders(entry) },
  };
}

export interface DlqSink {
  /** Resolves once the broker acknowledged every entry (acks=all). */
  send(entries: DlqEntry[]): Promise<void>;
}

/**
 * Sends the entries (acks=all). When the DLQ topic refuses them for their size, each is sent on its
 * own, and one refused even alone goes without its value, its headers saying so (`dlq.value-dropped`):
 * where it came from (dlq.topic, dlq.partition, dlq.offset) still finds it, and the partition it
 * came from never stalls (or crash-loops) on a message the DLQ cannot hold.
 */
export function createDlqSink(producer: Pick<Producer, 'send'>, topic: string): DlqSink {
  const sendAll = (messages: Message[]) => producer.send({ topic, acks: -1, messages });
  return {
    async send(entries) {
      if (entries.length === 0) return;
      try {
        await sendAll(entries.map(buildDlqMessage));
        return;
      } catch (error) {
        if (!isMessageTooLarge(error)) throw error;
      }
      for (const entry of entries) {
        const message = buildDlqMessage(entry);
        try {
          await sendAll([message]);
        } catch (error) {
          if (!isMessageTooLarge(error)) throw error;
          const dropped = `${entry.value?.length ?? 0} bytes, over the max.message.bytes of ${topic}`;
          await sendAll([{ ...message, value: null, headers: { ...message.headers, 'dlq.value-dropped': dropped } }]);
        }
      }
    },
  };
}
