import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeComposeEnv } from './compose-env.js';

describe('deploy/.env for compose', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));
  const checkout = () => {
    const root = mkdtempSync(join(tmpdir(), 'compose-env-'));
    roots.push(root);
    mkdirSync(join(root, 'deploy'));
    return root;
  };
  const vars = (file: string) => Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));

  it("holds the stack's generated credentials, mode 600, and keeps the cluster id and monitor token once made", () => {
    const root = checkout();
    const file = writeComposeEnv(root, {});
    const first = vars(file);
    const credentials = JSON.parse(readFileSync(join(root, '.stack', 'credentials.json'), 'utf8'));
    expect(first.PG_PASSWORD).toBe(credentials.pg.password);
    expect(first.CASSANDRA_PASSWORD).toBe(credentials.cassandra.password);
    expect(first.KAFKA_CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first.MONITOR_AUTH_TOKEN!.length).toBeGreaterThanOrEqual(16);
    expect(first.AIRFLOW_DB_PASSWORD).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.AIRFLOW_ADMIN_PASSWORD).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(first.AIRFLOW_DB_PASSWORD).not.toBe(first.PG_PASSWORD);
    expect(first.AIRFLOW_JWT_SECRET).toBe(credentials.airflow.jwtSecret);
    expect(first.AIRFLOW_SECRET_KEY).toBe(credentials.airflow.secretKey);
    expect([first.KAFKA_SASL_USERNAME, first.KAFKA_SASL_PASSWORD]).toEqual([credentials.kafka.username, credentials.kafka.password]);
    expect(first.SPARK_AUTH_SECRET).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.SCHEMA_REGISTRY_PASSWORD).toBe(credentials.registry.password);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = vars(writeComposeEnv(root, {}));
    expect(again).toEqual(first);
  });
});
