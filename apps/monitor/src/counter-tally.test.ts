import { describe, expect, it } from 'vitest';
import { createCounterTally } from './counter-tally.js';

describe('createCounterTally', () => {
  const monitorStart = 1_000_000;

  it('counts runs started after the monitor in full, scrape after scrape', () => {
    const tally = createCounterTally(monitorStart);
    tally.observe(3, 1001); // first seen at 3: all of them happened while watching
    tally.observe(10, 1001);
    tally.observe(4, 1050); // the next run
    expect(tally.total()).toBe(14);
  });

  it('counts a run that was already going only from its first scrape', () => {
    const tally = createCounterTally(monitorStart);
    tally.observe(500, 900);
    tally.observe(520, 900);
    expect(tally.total()).toBe(20);
  });
});
