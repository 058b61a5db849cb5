import { describe, expect, it } from 'vitest';
import { fmtBytes } from './format.js';

describe('fmtBytes', () => {
  it('reads in binary units, one decimal below 100 of a unit', () => {
    expect(fmtBytes(0)).toBe('0 B');
    expect(fmtBytes(1023)).toBe('1023 B');
    expect(fmtBytes(1536)).toBe('1.5 KiB');
    expect(fmtBytes(12.34 * 1024 ** 2)).toBe('12.3 MiB');
    expect(fmtBytes(340 * 1024 ** 2)).toBe('340 MiB');
    expect(fmtBytes(1024 ** 3)).toBe('1.0 GiB');
    expect(fmtBytes(-2 * 1024 ** 2)).toBe('-2.0 MiB');
    expect(fmtBytes(null)).toBe('–');
  });

  it('never shows 1024 of a unit: rounding that far is the next unit', () => {
    expect(fmtBytes(1024 ** 2 - 1)).toBe('1.0 MiB');
    expect(fmtBytes(1024 * 1023.9)).toBe('1.0 MiB');
    expect(fmtBytes(1024 * 1023.4)).toBe('1023 KiB');
  });
});
