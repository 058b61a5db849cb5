import { describe, expect, it } from 'vitest';
import { HealthyWait } from './healthy-wait.js';

type State = { Status: string; Running: boolean; ExitCode: number; Restarting: boolean; Health?: { Status: string; Log?: Array<{ Output: string }> } };
const running = (health: string): State => ({ Status: 'running', Running: true, ExitCode: 0, Restarting: false, Health: { Status: health, Log: [{ Output: `said ${health}` }] } });
const exited: State = { Status: 'exited', Running: false, ExitCode: 1, Restarting: false, Health: { Status: 'unhealthy' } };

/** A container whose inspections go through `states`, the last one repeated. */
const container = (states: State[]) => {
  let i = 0;
  return { inspect: async () => ({ State: states[Math.min(i++, states.length - 1)]! }) };
};

describe('HealthyWait', () => {
  it('rides out a moment of unhealthy or exited (a restart by its policy) and resolves once healthy', async () => {
    const c = container([running('starting'), running('unhealthy'), exited, running('starting'), running('healthy')]);
    await expect(new HealthyWait(1_000, 1).withStartupTimeout(5_000).waitUntilReady(c)).resolves.toBeUndefined();
  });

  it('fails, with the check last said, when unhealthy lasts the whole window', async () => {
    const c = container([running('starting'), running('unhealthy')]);
    await expect(new HealthyWait(50, 1).withStartupTimeout(5_000).waitUntilReady(c)).rejects.toThrow(/^health check failed: unhealthy for 0 s: said unhealthy$/);
  });

  it('fails when the container stays exited (no restart coming)', async () => {
    await expect(new HealthyWait(50, 1).withStartupTimeout(5_000).waitUntilReady(container([exited]))).rejects.toThrow('health check failed: exited with 1');
  });

  it('fails after its startup timeout when never healthy', async () => {
    await expect(new HealthyWait(10_000, 1).withStartupTimeout(50).waitUntilReady(container([running('starting')]))).rejects.toThrow('health check not healthy after 50 ms');
  });
});
