import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgPool } from '@streamline/clients/pg';
import { afterAll, expect, it } from 'vitest';
import { loadConnectionConfig } from '@streamline/config';
import { describeForStack } from '@streamline/testing';

const root = join(import.meta.dirname, '..', '..', '..');
const asRoot = process.getuid?.() === 0;

describeForStack(['local'], 'a clone under a folder only its owner may enter (mode 700), run as root', 'it starts a PostgreSQL of its own', () => {
  // As in /root/streamline: a private parent folder, a stack inside it, its own PostgreSQL port.
  const parent = mkdtempSync(join(tmpdir(), 'streamline-private-'));
  chmodSync(parent, 0o700);
  const stackDir = join(parent, 'clone', '.stack');
  mkdirSync(stackDir, { recursive: true });
  const env = { ...process.env, STREAMLINE_STACK_DIR: stackDir, PG_PORT: '15433' };
  const cli = (...args: string[]) =>
    spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tools/local-stack/src/cli.ts'), ...args], { cwd: root, env, encoding: 'utf8' });
  const clusters = () => (existsSync('/var/lib/postgresql/streamline') ? readdirSync('/var/lib/postgresql/streamline') : []);

  afterAll(() => {
    cli('reset');
    rmSync(parent, { recursive: true, force: true });
  });

  (asRoot ? it : it.skip)(`starts PostgreSQL with its cluster where the postgres user can reach it, and reset removes it${asRoot ? '' : ' [skipped: needs root]'}`, async () => {
    const before = clusters();
    const up = cli('up', 'postgres');
    expect(up.status, up.stderr).toBe(0);
    expect(up.stderr).toContain(`the postgres user cannot enter ${stackDir}`);
    const added = clusters().filter((c) => !before.includes(c));
    expect(added).toHaveLength(1);

    const pool = createPgPool(loadConnectionConfig(env).pg, { max: 1 });
    const { rows } = await pool.query<{ data_directory: string }>('SHOW data_directory').finally(() => pool.end());
    expect(rows[0]!.data_directory).toBe(join('/var/lib/postgresql/streamline', added[0]!, 'data'));

    const reset = cli('reset');
    expect(reset.status, reset.stderr).toBe(0);
    expect(clusters()).toEqual(before);
  });
});
