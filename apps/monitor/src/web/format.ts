// How numbers, rates, durations and times read on the page.

type Maybe<T> = T | null | undefined;

export const fmt = (n: Maybe<number>): string => (n === null || n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: 0 }));

export const fmtRate = (r: Maybe<number>): string => (r === null || r === undefined ? '–/s' : `${r >= 100 ? Math.round(r).toLocaleString('en-US') : r.toFixed(1)}/s`);

export function fmtSeconds(s: Maybe<number>): string {
  if (s === null || s === undefined) return '–';
  if (s === 0) return '0 s';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  return s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}

export const fmtTime = (iso: Maybe<string | number>): string => (iso === null || iso === undefined || iso === '' ? '–' : new Date(iso).toLocaleString());

export const fmtClock = (ms: number): string => new Date(ms).toLocaleTimeString();

export const fmtWindow = (ms: number): string => (ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Bytes in binary units: `512 B`, `1.5 KiB`, `12.3 MiB`, `340 MiB`, `1.2 GiB`. */
export function fmtBytes(b: Maybe<number>): string {
  if (b === null || b === undefined) return '–';
  let unit = 0;
  let v = Math.abs(b);
  // From what would round to 1024 of a unit (shown without decimals there), the next unit.
  while (unit < BYTE_UNITS.length - 1 && v >= 1023.5) {
    v /= 1024;
    unit++;
  }
  const digits = unit === 0 || v >= 99.95 ? 0 : 1;
  return `${b < 0 ? '-' : ''}${v.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}
