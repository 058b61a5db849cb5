import { describe, expect, it } from 'vitest';
import type { UserProcessed } from '@streamline/user-schema';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { chunk, nextOffset, planRound, type SourceMessage } from './batch-plan.js';
import type { DecodedMessage } from './user-record.js';

const [a, b, c] = makeProcessedUsers(3, { seed: 11 }) as [UserProcessed, UserProcessed, UserProcessed];
const msg = (offset: number): SourceMessage => ({ offset: String(offset), key: Buffer.from(`k${offset}`), value: Buffer.from(`v${offset}`) });
const ok = (user: UserProcessed): DecodedMessage => ({ kind: 'user', user });

describe('batch planning', () => {
  it('splits a batch into rounds in offset order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });

  it('commits the offset after the round’s last message (as a string, beyond 2^53 too)', () => {
    expect(nextOffset('41')).toBe('42');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });

  it('keeps the latest record per id, collects the invalid ones with their origin', () => {
    const newerA = { ...a, first_name: 'Newer' };
    const round = planRound('t', 1, [msg(10), msg(11), msg(12), msg(13), msg(14)], [
      ok(a),
      ok(b),
      { kind: 'invalid', reason: 'bad framing' },
      ok(newerA),
      ok(c),
    ]);
    expect(round.users).toEqual([b, newerA, c]);
    expect(round.duplicates).toBe(1);
    expect(round.messages).toBe(5);
    expect(round.invalid).toEqual([
      { topic: 't', partition: 1, offset: '12', key: Buffer.from('k12'), value: Buffer.from('v12'), headers: undefined, reason: 'bad framing' },
    ]);
    expect(round).toMatchObject({ firstOffset: '10', lastOffset: '14', commitOffset: '15' });
  });

  it('plans a round of only bad messages (their offsets are still committed after the DLQ ack)', () => {
    const round = planRound('t', 0, [msg(3)], [{ kind: 'invalid', reason: 'x' }]);
    expect(round.users).toEqual([]);
    expect(round.invalid).toHaveLength(1);
    expect(round.commitOffset).toBe('4');
  });

  it('rejects mismatched inputs', () => {
    expect(() => planRound('t', 0, [], [])).toThrow(RangeError);
    expect(() => planRound('t', 0, [msg(1)], [])).toThrow(RangeError);
  });
});
