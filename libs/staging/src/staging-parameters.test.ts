import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserToStage } from '@streamline/user-schema';
import { createParameterBuffers } from './parameter-buffers.js';
import { type StagingItem, stagingParameterText, stagingParameter } from './staging-parameters.js';

const user = (id: string, firstName = 'Ada'): StagingItem => ({
  raw: { login: { uuid: id }, name: { first: firstName } },
  record: { id, first_name: firstName, last_name: 'Lovelace', email: `${id}@example.com`, source: 'generator', ingest_run_id: 'run-1' } as unknown as UserToStage,
});
const text = (batch: readonly StagingItem[]) => stagingParameterText(stagingParameter(batch));
const serialized = (batch: readonly StagingItem[]) => JSON.stringify([batch.map((u) => u.raw), batch.map((u) => u.record)]);

describe('stagingParameter', () => {
  it('sends the raws and the records as two JSON arrays of one binary jsonb, in the same order, values untouched', () => {
    const batch = [user('a'), user('b')];
    expect(stagingParameter(batch)[0]).toBe(1);
    expect(text(batch)).toBe(serialized(batch));
    expect(text([])).toBe('[[],[]]');
  });

  it("sends a raw's own bytes where it has them, as they are, and serializes the others", () => {
    const spelt = Buffer.from('{ "login" : { "uuid" : "b" }, "name": {"first":"Ad\\/a"} }');
    const batch = [user('a'), { ...user('b'), rawJson: spelt }, user('c')];
    expect(text(batch)).toBe(`[[${JSON.stringify(user('a').raw)},${spelt.toString()},${JSON.stringify(user('c').raw)}],${JSON.stringify(batch.map((u) => u.record))}]`);
  });

  it('writes any text as its UTF-8, however far beyond ASCII (fast-check)', () => {
    // Long runs of 3-byte characters and surrogate pairs outgrow the first buffer the records are encoded into.
    const name = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.string({ unit: 'binary', maxLength: 50 }), fc.integer({ min: 1, max: 5000 }).map((n) => '東'.repeat(n)), fc.integer({ min: 1, max: 3000 }).map((n) => '𝒜'.repeat(n)));
    const buffers = createParameterBuffers(2);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 20 }), (names) => {
        const batch = names.map((n, k) => user(`u${k}`, n));
        expect(text(batch)).toBe(serialized(batch));
        // In reused buffers too, whatever was in them before.
        const parameter = stagingParameter(batch, buffers);
        expect(stagingParameterText(parameter)).toBe(serialized(batch));
        buffers.give(parameter);
      }),
      { numRuns: 300 },
    );
  });
});

describe('createParameterBuffers', () => {
  it('gives back the smallest free buffer that is large enough, keeps at most `keep`, and never hands one out twice', () => {
    const buffers = createParameterBuffers(2);
    const a = buffers.take(10_000);
    const b = buffers.take(50_000);
    expect(a.length).toBeGreaterThanOrEqual(10_000);
    expect(a.buffer).not.toBe(b.buffer);
    buffers.give(b.subarray(0, 10));
    buffers.give(a.subarray(5, 10));
    buffers.give(a);
    expect(buffers.take(9_000).buffer).toBe(a.buffer);
    expect(buffers.take(9_000).buffer).toBe(b.buffer);
    expect([a.buffer, b.buffer]).not.toContain(buffers.take(9_000).buffer);
    buffers.give(Buffer.allocUnsafeSlow(1));
    buffers.give(Buffer.allocUnsafeSlow(1));
    buffers.give(Buffer.allocUnsafeSlow(100_000));
    expect(buffers.take(100_000).length).toBeGreaterThanOrEqual(125_000);
  });
});
