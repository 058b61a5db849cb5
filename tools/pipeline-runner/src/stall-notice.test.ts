import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createStallNotice } from './stall-notice.js';

describe('createStallNotice', () => {
  it("says each stall an app's /healthz reports once, and nothing for a ready app or one that does not answer", async () => {
    let body: unknown = { status: 'ready', ready: true, dependencies: {} };
    const server = createServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lines: string[] = [];
    const notice = createStallNotice([{ name: 'cassandra-writer', url }, { name: 'relay', url: 'http://127.0.0.1:1' }], (l) => lines.push(l));
    try {
      await notice.check();
      expect(lines).toEqual([]);
      body = { status: 'degraded', stalls: { 'users_processed[2]': { at: 'offset 1234', attempts: 7, since: '2026-12-06T12:00:00.000Z', reason: 'Batch too large' } } };
      await notice.check();
      await notice.check();
      expect(lines).toEqual([
        `streamline: cassandra-writer is stalled at users_processed[2] offset 1234 (7 attempts since 2026-12-06T12:00:00.000Z): Batch too large; its /healthz says degraded until it moves (${url}/healthz)`,
      ]);
    } finally {
      server.close();
    }
  });
});
