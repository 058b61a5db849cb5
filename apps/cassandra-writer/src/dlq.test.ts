import { describe, expect, it } from 'vitest';
import type { Message } from 'kafkajs';
import type { ProducerRecord } from 'kafkajs';
import { buildDlqHeaders, buildDlqMessage, createDlqSink, oneLine, type DlqEntry } from './dlq.js';

const entry: DlqEntry = {
  topic: 'users_processed',
  partition: 2,
  offset: '41',
  key: Buffer.from('k1'),
  value: Buffer.from([1, 2, 3]),
  headers: { trace: 'abc', 'dlq.stage': 'spark' },
  reason: 'cannot decode\n  at line 1\r\n\tbecause',
};

describe('DLQ messages', () => {
  it('builds the contract headers with a one-line reason', () => {
    expect(buildDlqHeaders(entry)).toEqual({
      'dlq.reason': 'cannot decode at line 1 because',
      'dlq.stage': 'cassandra-writer',
      'dlq.topic': 'users_processed',
      'dlq.partition': '2',
      'dlq.offset': '41',
    });
  });

  it('keeps the original key, value and headers; dlq.* headers win', () => {
    const message = buildDlqMessage(entry);
    expect(message.key).toBe(entry.key);
    expect(message.value).toBe(entry.value);
    expect(message.headers).toMatchObject({ trace: 'abc', 'dlq.stage': 'cassandra-writer', 'dlq.offset': '41' });
  });

  it('bounds the reason', () => {
    expect(oneLine('x'.repeat(5000))).toHaveLength(1000);
    expect(oneLine('   ')).toBe('unknown reason');
  });

  it('sends with acks=all and skips empty rounds', async () => {
    const sent: ProducerRecord[] = [];
    const sink = createDlqSink({ send: async (r: ProducerRecord) => (sent.push(r), []) }, 'users_dlq');
    await sink.send([]);
    await sink.send([entry, { ...entry, offset: '42', value: null }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'users_dlq', acks: -1 });
    expect(sent[0]!.messages.map((m) => m.headers?.['dlq.offset'])).toEqual(['41', '42']);
  });

  it('sends an entry the DLQ topic refuses for its size without its value, saying so, and the others as they are', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE' });
    const sent: Message[] = [];
    const producer = {
      send: async ({ messages }: { messages: Message[] }) => {
        if (messages.some((m) => (m.value as Buffer | null)?.length === 5000)) throw tooLarge;
        sent.push(...messages);
        return [];
      },
    };
    const entry = (offset: string, bytes: number) => ({ topic: 't', partition: 2, offset, key: null, value: Buffer.alloc(bytes), reason: 'bad framing' });
    await createDlqSink(producer as never, 'dlq').send([entry('1', 10), entry('2', 5000), entry('3', 10)]);
    expect(sent.map((m) => [m.headers?.['dlq.offset'], (m.value as Buffer | null)?.length ?? null, m.headers?.['dlq.value-dropped']])).toEqual([
      ['1', 10, undefined],
      ['2', null, '5000 bytes, over the max.message.bytes of dlq'],
      ['3', 10, undefined],
    ]);
  });
});
