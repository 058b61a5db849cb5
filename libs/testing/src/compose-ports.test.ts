import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const deploy = join(import.meta.dirname, '..', '..', '..', 'deploy');
const composeFiles = readdirSync(deploy).filter((f) => /^docker-compose.*\.ya?ml$/.test(f));

/** Every `ports:` entry of every service in a compose file, as written. */
function publishedPorts(file: string): Array<{ service: string; entry: string }> {
  const doc = parse(readFileSync(join(deploy, file), 'utf8'), { merge: true, logLevel: 'error' }) as { services?: Record<string, { ports?: unknown[] } | null> };
  return Object.entries(doc.services ?? {}).flatMap(([service, spec]) => (spec?.ports ?? []).map((p) => ({ service, entry: typeof p === 'string' ? p : JSON.stringify(p) })));
}

describe('compose publishes on loopback only', () => {
  it('finds the compose files and their published ports', () => {
    expect(composeFiles).toEqual(expect.arrayContaining(['docker-compose.yml', 'docker-compose.cluster.yml', 'docker-compose.host-clients.yml']));
    expect(publishedPorts('docker-compose.yml').length).toBeGreaterThanOrEqual(5);
  });

  it.each(composeFiles)('%s: every published port is bound to 127.0.0.1', (file) => {
    for (const { service, entry } of publishedPorts(file)) expect(entry, `${file} ${service}`).toMatch(/^127\.0\.0\.1:/);
  });
});
