import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';
import type { Component } from './component.js';
import { createReporter } from './reporter.js';
import { createStack, systemNeeds } from './stack.js';
import type { Need } from './system-packages.js';

/** A fake server: `sleep` stands in for the process; health is true once launched. */
function fake(name: string, deps: string[], events: string[], lane: Component['installLane'] = 'maven', kind: Component['kind'] = 'server'): Component {
  let launched = false;
  return {
    name,
    kind,
    installKey: 'v1',
    installLane: lane,
    enabled: () => true,
    port: () => 1,
    dependsOn: () => deps,
    install: async () => void events.push(`install ${name}`),
    prepare: async () => void events.push(`prepare ${name}`),
    launch: () => {
      launched = true;
      events.push(`launch ${name}`);
      return { command: 'sleep', args: ['30'] };
    },
    health: async () => ({ healthy: launched, detail: launched ? 'up' : 'down' }),
  };
}

function setup(components: (events: string[]) => Component[]) {
  const dir = mkdtempSync(join(tmpdir(), 'stack-test-'));
  // A port nothing listens on, so the "port taken" check passes.
  const config = loadStackConfig({ STREAMLINE_STACK_DIR: dir, STREAMLINE_HOST: '127.0.0.1' });
  const events: string[] = [];
  // The system-package check is recorded, not run: unit tests neither probe nor install anything.
  const needs: Need[][] = [];
  const stack = createStack(config, createReporter(process.stderr, true), components(events), async (n) => void needs.push(n));
  return { stack, events, needs };
}

describe('createStack', () => {
  it('starts dependencies first, installs once, and stops in reverse order', async () => {
    const { stack, events } = setup((e) => [fake('app', ['db', 'queue'], e), fake('db', [], e), fake('queue', ['db'], e)]);
    const rows = await stack.up(['app']);
    expect(rows.map((r) => [r.name, r.health])).toEqual([
      ['db', 'healthy'],
      ['queue', 'healthy'],
      ['app', 'healthy'],
    ]);
    const launches = events.filter((e) => e.startsWith('launch'));
    expect(launches).toEqual(['launch db', 'launch queue', 'launch app']);

    events.length = 0;
    await stack.up(['app']);
    expect(events).toEqual([]); // already installed and running: nothing to do

    await stack.down();
    expect((await stack.status()).every((r) => r.health === 'stopped')).toBe(true);
  });

  it('up --no-apps starts the servers only; a plain up starts the apps after their servers, and down stops the apps first', async () => {
    const { stack, events } = setup((e) => [fake('db', [], e), fake('queue', [], e), fake('relay', ['db', 'queue'], e, 'none', 'app')]);
    const servers = await stack.up([], { apps: false });
    expect(servers.map((r) => r.name)).toEqual(['db', 'queue']);
    expect(events.filter((e) => e.startsWith('launch'))).toEqual(['launch db', 'launch queue']);
    const all = await stack.up();
    expect(all.map((r) => [r.name, r.kind, r.health])).toEqual([
      ['db', 'server', 'healthy'],
      ['queue', 'server', 'healthy'],
      ['relay', 'app', 'healthy'],
    ]);
    events.length = 0;
    await stack.down();
    expect(events).toEqual([]);
    expect((await stack.status()).map((r) => r.health)).toEqual(['stopped', 'stopped', 'stopped']);
  });

  it('a failed up stops what it started (no orphans holding ports), keeps what ran before, and says both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-test-'));
    const config = loadStackConfig({ STREAMLINE_STACK_DIR: dir, STREAMLINE_HOST: '127.0.0.1', STREAMLINE_STACK_START_TIMEOUT_MS: '1500' });
    const events: string[] = [];
    const broken: Component = { ...fake('app', ['db', 'queue'], events), health: async () => ({ healthy: false, detail: 'refuses to start' }) };
    const stack = createStack(config, createReporter(process.stderr, true), [fake('db', [], events), fake('queue', [], events), broken], async () => undefined);
    await stack.up(['db']);
    const error = (await stack.up(['app']).then(() => undefined, (e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^app did not become healthy within 1.5s: refuses to start/);
    expect(error.message).toContain('; stopped app, queue, which this up had started');
    expect(error.message).toContain('; still running from before: db (npm run stack -- down to stop them)');
    const health = Object.fromEntries((await stack.status()).map((r) => [r.name, r.health]));
    expect(health).toEqual({ db: 'healthy', queue: 'stopped', app: 'stopped' });
    await stack.down();
  });

  it('install only installs: the named components, nothing started, and an unknown name is refused', async () => {
    const { stack, events } = setup((e) => [fake('app', ['db'], e), fake('db', [], e)]);
    await stack.install(['app']);
    expect(events).toEqual(['install app']);
    expect((await stack.status()).every((r) => r.health === 'stopped')).toBe(true);
    await expect(stack.install(['nope'])).rejects.toThrow('unknown component nope (known: app, db)');
  });

  it('names an unknown component and a dependency cycle', async () => {
    const { stack } = setup((e) => [fake('a', ['b'], e), fake('b', ['a'], e)]);
    await expect(stack.up(['nope'])).rejects.toThrow('unknown component "nope" (known: a, b)');
    await expect(stack.up(['a'])).rejects.toThrow('dependency cycle: a -> b -> a');
  });

  it('checks the system packages of the requested components once, before installing any of them', async () => {
    const events: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'stack-test-'));
    const config = loadStackConfig({ STREAMLINE_STACK_DIR: dir, STREAMLINE_HOST: '127.0.0.1' });
    const check = async (needs: Need[]) => void events.push(`prerequisites ${needs.join(' ')}`);
    const stack = createStack(config, createReporter(process.stderr, true), [fake('db', [], events, 'none'), fake('app', ['db'], events, 'maven')], check);
    await stack.up(['app']);
    expect(events.slice(0, 2)).toEqual(['prerequisites java maven', 'install db']);
    expect(events.filter((e) => e.startsWith('prerequisites'))).toHaveLength(1);
    await stack.down();

    await expect(
      createStack(config, createReporter(process.stderr, true), [fake('db', [], events)], async () => {
        throw new Error('missing Maven');
      }).up(),
    ).rejects.toThrow('missing Maven');
  });
});

describe('systemNeeds', () => {
  const component = (name: string, installLane: Component['installLane']) => fake(name, [], [], installLane);
  it('maps components to what they need from the system', () => {
    expect(systemNeeds([component('kafka', 'maven')])).toEqual(['java', 'maven']);
    expect(systemNeeds([component('spark-master', 'python')])).toEqual(['java', 'maven', 'python']);
    expect(systemNeeds([component('airflow-api-server', 'airflow')])).toEqual(['python']);
    expect(systemNeeds([component('schema-registry', 'maven')])).toEqual(['java', 'maven', 'python']);
    expect(systemNeeds([component('postgres', 'none'), component('spark-worker', 'none')])).toEqual(['postgres']);
    expect(systemNeeds([])).toEqual([]);
  });
});
