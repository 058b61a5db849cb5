import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistryReader } from './registry-state.js';

/** A Confluent-API registry on a local port, counting the requests per path. */
async function fakeRegistry(subjects: string[]): Promise<{ url: string; hits: Map<string, number>; server: Server }> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/subjects') return send(subjects);
    if (path === '/config') return send({ compatibilityLevel: 'NONE' });
    const m = /^\/(subjects|config)\/([^/?]+)(.*)$/.exec(path);
    if (!m) return res.writeHead(404).end();
    if (m[1] === 'config') return decodeURIComponent(m[2]!).startsWith('users') ? send({ compatibilityLevel: 'BACKWARD' }) : res.writeHead(404).end();
    if (m[3] === '/versions') return send([1, 2]);
    return send({ id: 7 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

describe('createRegistryReader', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("lists the pipeline's subjects first with versions, latest id and compatibility (else the global one)", async () => {
    const fake = await fakeRegistry(['zeta-value', 'users_created-value', 'alpha-value']);
    server = fake.server;
    const state = await createRegistryReader(fake.url, ['users_created-value', 'users_processed-value']).read();
    expect(state.global).toBe('NONE');
    expect(state.subjects).toEqual([
      { subject: 'users_created-value', versions: [1, 2], latestId: 7, compatibility: 'BACKWARD' },
      { subject: 'alpha-value', versions: [1, 2], latestId: 7, compatibility: 'NONE' },
      { subject: 'zeta-value', versions: [1, 2], latestId: 7, compatibility: 'NONE' },
    ]);
  });

  it("reads the others' details again only after their TTL, the pipeline's every time", async () => {
    const fake = await fakeRegistry(['users_created-value', 'other-value']);
    server = fake.server;
    let now = 0;
    const reader = createRegistryReader(fake.url, ['users_created-value'], { othersTtlMs: 1000, now: () => now });
    await reader.read();
    await reader.read();
    expect(fake.hits.get('/subjects/users_created-value/versions')).toBe(2);
    expect(fake.hits.get('/subjects/other-value/versions')).toBe(1);
    now = 1500;
    await reader.read();
    expect(fake.hits.get('/subjects/other-value/versions')).toBe(2);
  });

  it('shows at most maxSubjects and says how many it left out', async () => {
    const fake = await fakeRegistry(['a', 'b', 'c']);
    server = fake.server;
    const state = await createRegistryReader(fake.url, [], { maxSubjects: 2 }).read();
    expect(state.subjects.map((s) => s.subject)).toEqual(['a', 'b']);
    expect(state.omitted).toBe(1);
  });
});
