import { describe, expect, it } from 'vitest';
import { createCtrlC } from './ctrl-c.js';

describe('createCtrlC', () => {
  it('reads the first press as stop, the same press passed on again as a repeat, and a later one as quit', () => {
    let t = 10_000;
    const ctrlC = createCtrlC({ sameWithinMs: 1_000, now: () => t });
    expect(ctrlC.press()).toBe('stop');
    t += 40;
    expect(ctrlC.press()).toBe('repeat');
    t += 960;
    expect(ctrlC.press()).toBe('repeat');
    t += 1;
    expect(ctrlC.press()).toBe('quit');
    expect(ctrlC.press()).toBe('quit');
  });

  it('never quits on the first press, however long the run has waited', () => {
    const ctrlC = createCtrlC({ now: () => 1e12 });
    expect(ctrlC.press()).toBe('stop');
  });
});
