import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeForStack } from '@streamline/testing';

const root = join(import.meta.dirname, '..', '..', '..');

describeForStack(['local'], 'npm run stack -- status --json', 'it checks the local stack\'s own processes', () => {
  it('lists every server with its port, a live pid and health from a real probe', () => {
    const res = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tools/local-stack/src/cli.ts'), 'status', '--json'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(res.status, res.stderr).toBe(0);
    const all = JSON.parse(res.stdout) as Array<{ name: string; kind: string; port: number; pid: number; health: string; detail: string; url?: string }>;
    // The pipeline apps are listed too (the tests' stack runs the servers only).
    expect(all.filter((r) => r.kind === 'app').map((r) => r.name)).toEqual(['relay', 'spark-launcher', 'cassandra-writer', 'monitor'].filter((a) => existsSync(join(root, 'apps', a, 'src', 'main.ts'))));
    expect(all.find((r) => r.name === 'relay')).toMatchObject({ port: Number(process.env.RELAY_HTTP_PORT ?? 9402), url: `http://127.0.0.1:${process.env.RELAY_HTTP_PORT ?? 9402}` });
    const rows = all.filter((r) => r.kind === 'server');
    expect(rows.map((r) => r.name).sort()).toEqual([
      'airflow-api-server',
      'airflow-dag-processor',
      'airflow-scheduler',
      'cassandra',
      'kafka',
      'postgres',
      'schema-registry',
      'spark-master',
      'spark-worker',
    ]);
    for (const row of rows) {
      expect(row.health, `${row.name}: ${row.detail}`).toBe('healthy');
      expect(row.pid).toBeGreaterThan(0);
      expect(() => process.kill(row.pid, 0)).not.toThrow();
    }
    expect(rows.find((r) => r.name === 'cassandra')!.detail).toMatch(/release_version 5\.0\./);
    expect(rows.find((r) => r.name === 'kafka')!.port).toBe(Number(process.env.KAFKA_PORT ?? 9092));
  });
});
