import { afterEach, describe, expect, it } from 'vitest';
import { parseFaultSpec } from './faults.js';
import { generatePage } from './generate-users.js';
import { type GeneratorServer, startGeneratorServer } from './server.js';

let server: GeneratorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
};

describe('generator server', () => {
  it('answers like the API on an ephemeral port, the same page as the generator', async () => {
    server = await startGeneratorServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const { status, body } = await get(`${server.url}?results=20&seed=srv&page=2&nat=us`);
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(generatePage({ seed: 'srv', page: 2, results: 20, nat: 'us' }))));
  });

  it('picks a seed when none is given and echoes it', async () => {
    server = await startGeneratorServer();
    const { body } = await get(`${server.url}?results=2`);
    expect((body.info as { seed: string }).seed).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses bad parameters with 400 and a reason', async () => {
    server = await startGeneratorServer();
    expect(await get(`${server.url}?results=abc`)).toMatchObject({ status: 400, body: { error: 'invalid results="abc": expected an integer >= 1' } });
    expect((await get(`${server.url}?fail=boom`)).status).toBe(400);
    expect((await get(`${server.url.replace('/api/', '/nope')}`)).status).toBe(404);
  });

  it('injects 503/429 with Retry-After, bounded per page, then serves the page', async () => {
    server = await startGeneratorServer({ faults: parseFaultSpec('503=0.5,429=0.5,retry-after=3,max-per-page=2') });
    const url = `${server.url}?results=5&seed=f&page=1`;
    const first = await get(url);
    const second = await get(url);
    const third = await get(url);
    expect([first.status, second.status]).toSatisfy((s: number[]) => s.every((x) => x === 503 || x === 429));
    expect(first.retryAfter).toBe('3');
    expect(third.status).toBe(200);
    expect(server.stats.faults).toBe(2);
  });

  it('takes a fault spec per request through `fail`', async () => {
    server = await startGeneratorServer();
    const { body } = await get(`${server.url}?results=500&seed=x&fail=bad=0.1`);
    expect(server.stats.corrupted).toBeGreaterThan(0);
    expect((body.results as unknown[]).length).toBe(500);
  });
});
