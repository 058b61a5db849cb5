import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureStackCredentials } from './credentials.js';

describe('ensureStackCredentials', () => {
  it('generates random secrets once, mode 600, and reuses them after', () => {
    const env = { STREAMLINE_STACK_DIR: mkdtempSync(join(tmpdir(), 'creds-')) };
    const first = ensureStackCredentials(env);
    expect(first.created).toBe(true);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const secrets = [first.credentials.pg.password, first.credentials.cassandra.password, first.credentials.kafka.password, first.credentials.airflow.jwtSecret, first.credentials.airflow.secretKey, first.credentials.registry!.password, first.credentials.monitor!.token];
    expect(new Set(secrets).size).toBe(7);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = ensureStackCredentials(env);
    expect(again).toEqual({ ...first, created: false });
    expect(JSON.parse(readFileSync(first.file, 'utf8'))).toEqual(first.credentials);
    // Another stack gets other secrets.
    expect(ensureStackCredentials({ STREAMLINE_STACK_DIR: mkdtempSync(join(tmpdir(), 'creds-')) }).credentials.pg.password).not.toBe(first.credentials.pg.password);
  });

  it('leaves a file made before the monitor token as it is (other checkouts share it)', () => {
    const env = { STREAMLINE_STACK_DIR: mkdtempSync(join(tmpdir(), 'creds-')) };
    const { file, credentials } = ensureStackCredentials(env);
    const { monitor: _monitor, ...older } = credentials;
    writeFileSync(file, JSON.stringify(older), { mode: 0o600 });
    const again = ensureStackCredentials(env);
    expect(again.created).toBe(false);
    expect(again.credentials.monitor).toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(older);
  });

  it('adds the registry login to a file made before it, keeping every other secret', () => {
    const env = { STREAMLINE_STACK_DIR: mkdtempSync(join(tmpdir(), 'creds-')) };
    const { file, credentials } = ensureStackCredentials(env);
    const { registry: _registry, ...older } = credentials;
    writeFileSync(file, JSON.stringify(older), { mode: 0o600 });
    const again = ensureStackCredentials(env);
    expect(again.credentials).toEqual({ ...older, registry: { username: 'streamline', password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(again.credentials);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
