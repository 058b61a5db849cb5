import { describe, expect, it } from 'vitest';
import { createHealth } from './health.js';
import { silentLogger } from './logger.js';
import { createStallWatch } from './stall-watch.js';

function setup(bound = { afterAttempts: 3, afterMs: 60_000 }) {
  let t = 1_000_000;
  const health = createHealth(() => new Date(t));
  health.up('kafka');
  health.started();
  let errors = 0;
  const watch = createStallWatch({ health, onFailure: () => errors++, log: silentLogger(), bound, now: () => t });
  return { health, watch, errors: () => errors, advance: (ms: number) => (t += ms) };
}

describe('createStallWatch', () => {
  it('counts every failed attempt, and reports degraded naming where and why once the attempts reach the bound', () => {
    const { health, watch, errors } = setup();
    watch.failed('users_processed[2]', 'offset 1234', new Error('Batch too large'));
    watch.failed('users_processed[2]', 'offset 1234', new Error('Batch too large'));
    expect(errors()).toBe(2);
    expect(health.report().status).toBe('ready');
    watch.failed('users_processed[2]', 'offset 1234', new Error('Batch too large'));
    expect(health.report()).toMatchObject({
      status: 'degraded',
      ready: false,
      stalls: { 'users_processed[2]': { at: 'offset 1234', attempts: 3, reason: 'Batch too large', since: new Date(1_000_000).toISOString() } },
    });
    watch.passed('users_processed[2]');
    expect(health.report()).toMatchObject({ status: 'ready' });
    expect(health.report().stalls).toBeUndefined();
  });

  it('reports degraded after the time bound even with few attempts; records that moved on start a new count', () => {
    const { health, watch, advance } = setup({ afterAttempts: 100, afterMs: 30_000 });
    watch.failed('p0', 'offset 1', new Error('x'));
    advance(29_000);
    watch.failed('p0', 'offset 1', new Error('x'));
    expect(health.report().status).toBe('ready');
    advance(1_000);
    watch.failed('p0', 'offset 1', new Error('x'));
    expect(health.report().status).toBe('degraded');
    // Past offset 1 now (a different place fails): the old stall is over, the new one counts afresh.
    watch.failed('p0', 'offset 9', new Error('y'));
    expect(health.report().status).toBe('ready');
  });
});
