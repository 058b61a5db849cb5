import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { degradedReason, probeApp } from './app-probe.js';

describe('app probe: a degraded app', () => {
  it('names each stall (partition, offset, attempts, why), and dependencies down', () => {
    expect(
      degradedReason({
        status: 'degraded',
        stalls: { 'users_processed[2]': { at: 'offset 1234', attempts: 7, reason: 'cassandra did not acknowledge 6 writes: Batch too large' } },
        dependencies: { kafka: { up: true }, cassandra: { up: false, reason: 'NoHostAvailableError' } },
      }),
    ).toBe('stalled at users_processed[2] offset 1234 (7 attempts): cassandra did not acknowledge 6 writes: Batch too large; cassandra down: NoHostAvailableError');
    expect(degradedReason({ status: 'ready' })).toBeNull();
    expect(degradedReason(null)).toBeNull();
  });

  it("reads a 503 /healthz body as degraded with its reason (what the page shows in red)", async () => {
    const body = { status: 'degraded', ready: false, dependencies: {}, stalls: { outbox: { at: 'seq 42', attempts: 5, since: '2026-12-06T12:00:00Z', reason: 'producing 11 outbox rows failed' } } };
    const server = createServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await probeApp('relay', url, { metrics: false })).toMatchObject({ state: 'degraded', reason: 'stalled at outbox seq 42 (5 attempts): producing 11 outbox rows failed' });
    } finally {
      server.close();
    }
  });
});
