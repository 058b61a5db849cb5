import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createDependencyRetry } from './dependency-retry.js';
import { createHealth } from './health.js';

function recordingLogger() {
  const lines: Array<{ level: number; msg: string; dependency?: string }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });

describe('createDependencyRetry', () => {
  it('reports an outage once, marks the dependency down meanwhile, and its return once', async () => {
    const { log, lines } = recordingLogger();
    const health = createHealth();
    health.started();
    const retry = createDependencyRetry({ log, health, signal: new AbortController().signal, minDelayMs: 1, maxDelayMs: 2 });
    let calls = 0;
    const seen: string[] = [];
    const result = await retry(
      'stage a batch',
      async () => {
        calls++;
        seen.push(health.report().status);
        if (calls < 5) throw refused();
        return 'staged';
      },
      'postgres',
    );
    expect(result).toBe('staged');
    expect(calls).toBe(5);
    expect(seen).toEqual(['ready', 'degraded', 'degraded', 'degraded', 'degraded']);
    expect(lines.filter((l) => l.msg === 'dependency unavailable, retrying with backoff')).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'dependency back, resuming')).toEqual([expect.objectContaining({ dependency: 'postgres' })]);
    expect(health.report()).toMatchObject({ status: 'ready', dependencies: { postgres: { up: true } } });
  });

  it('fails at once on an error waiting cannot mend', async () => {
    const { log } = recordingLogger();
    const retry = createDependencyRetry({ log, health: createHealth(), signal: new AbortController().signal, minDelayMs: 1, maxDelayMs: 2 });
    let calls = 0;
    const bad = Object.assign(new Error('relation "outbox" does not exist'), { code: '42P01' });
    await expect(retry('claim', async () => (calls++, Promise.reject(bad)))).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('stops waiting when the app stops', async () => {
    const { log } = recordingLogger();
    const stop = new AbortController();
    const retry = createDependencyRetry({ log, health: createHealth(), signal: stop.signal, minDelayMs: 50, maxDelayMs: 50 });
    const run = retry('claim', async () => Promise.reject(refused()));
    setTimeout(() => stop.abort(new Error('shutdown: SIGTERM')), 20);
    await expect(run).rejects.toThrow();
  });
});
