import { describe, expect, it } from 'vitest';
import { renderRunReport } from './run-report.js';

describe('renderRunReport', () => {
  it('prints one line per stage with counts, rates and latencies', () => {
    const text = renderRunReport({
      runId: 'run-1',
      ingest: { fetched: 1000, staged: 990, duplicates: 10, rejected: 0, rate: 2500, source: 'generator', seed: 'demo' },
      relay: { published: 990, p50Ms: 120, p99Ms: 900 },
      stored: 1000,
      storedEarlier: 10,
      p50: 1500,
      p99: 4200,
      waitedMs: 2000,
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('run run-1');
    expect(lines.find((l) => l.startsWith('staged (new)'))).toMatch(/990\s+2500 users\/s into PostgreSQL/);
    expect(lines.find((l) => l.startsWith('published to Kafka'))).toMatch(/990\s+staged -> published p50 120 ms, p99 900 ms/);
    expect(lines.find((l) => l.startsWith('stored in Cassandra'))).toMatch(/1000\s+10 of them by an earlier run; waited 2.00 s after ingest \(495 new users\/s\)/);
    expect(lines.find((l) => l.startsWith('latency'))).toMatch(/p50 1.50 s\s+p99 4.20 s/);
  });

  it('on a rerun that fetched only known users, gives no rate', () => {
    const text = renderRunReport({
      runId: 'run-2',
      ingest: { fetched: 500, staged: 0, duplicates: 500, rejected: 0 },
      relay: { published: 0, p50Ms: null, p99Ms: null },
      stored: 500,
      storedEarlier: 500,
      p50: undefined,
      p99: undefined,
      waitedMs: 73,
    });
    expect(text.split('\n').find((l) => l.startsWith('stored in Cassandra'))).toMatch(/500\s+500 of them by an earlier run; waited 73 ms after ingest$/);
  });
});

describe('renderRunReport escapes control characters', () => {
  it('shows a seed or source holding an escape sequence instead of sending it', () => {
    const text = renderRunReport({
      runId: 'run\u001b[2J',
      ingest: { fetched: 1, staged: 1, duplicates: 0, rejected: 0, source: 'generator\u009b31m', seed: 'x\u001b]8;;http://evil\u0007y\nz' },
      relay: { published: 1, p50Ms: 1, p99Ms: 1 },
      stored: 1,
      storedEarlier: 0,
      p50: 1,
      p99: 1,
      waitedMs: 1000,
    });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text.split('\n')).toHaveLength(8);
    expect(text).toContain('run run\\x1b[2J');
    expect(text).toContain('source generator\\x9b31m, seed x\\x1b]8;;http://evil\\x07y\\x0az');
  });
});
