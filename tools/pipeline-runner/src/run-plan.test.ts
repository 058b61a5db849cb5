import { describe, expect, it } from 'vitest';
import { latenciesOfNewUsers, parseCount, sourceArgs, usesStackApps } from './run-plan.js';

describe('usesStackApps', () => {
  it("uses the stack's apps only when relay, spark-launcher and cassandra-writer all run there", () => {
    expect(usesStackApps([{ name: 'relay' }, { name: 'spark-launcher' }, { name: 'cassandra-writer' }, { name: 'monitor' }])).toBe(true);
    expect(usesStackApps([{ name: 'relay' }, { name: 'cassandra-writer' }, { name: 'monitor' }])).toBe(false);
    expect(usesStackApps([])).toBe(false);
  });
});

describe('parseCount', () => {
  it('takes a positive integer', () => {
    expect(parseCount('1000')).toBe(1000);
    expect(parseCount('1')).toBe(1);
  });

  it.each(['0', '-5', '1.5', '1e3', 'ten', '', '0x10', '99999999999999999999'])('refuses %j with one line naming it', (value) => {
    expect(() => parseCount(value)).toThrow(`invalid --count ${JSON.stringify(value)}: expected a positive integer`);
  });
});

describe('sourceArgs', () => {
  it('passes only the flags given, each with its value as one argument (never through a shell)', () => {
    expect(sourceArgs({})).toEqual([]);
    expect(sourceArgs({ source: 'api', seed: 'x; rm -rf /', apiUrl: 'http://127.0.0.1:1/api', nat: 'us,gb' })).toEqual([
      '--source', 'api', '--seed', 'x; rm -rf /', '--api-url', 'http://127.0.0.1:1/api', '--nat', 'us,gb',
    ]);
  });
});

describe('latenciesOfNewUsers', () => {
  it('keeps the users this run staged, sorted, and leaves out those an earlier run stored', () => {
    const stored = [
      { id: 'a', latencyMs: 300, publishMs: 40 },
      { id: 'old', latencyMs: 86_400_000, publishMs: 5 },
      { id: 'b', latencyMs: 100, publishMs: 20 },
      { id: 'c', latencyMs: 200, publishMs: null },
    ];
    expect(latenciesOfNewUsers(stored, ['a', 'b', 'c', 'not-stored-yet'])).toEqual({ stored: [100, 200, 300], publish: [20, 40] });
  });
});
