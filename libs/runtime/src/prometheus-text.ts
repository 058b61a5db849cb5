// Reading the Prometheus text format the apps' /metrics serve: the monitor aggregates it, the
// tests assert on it.

/** One sample of a Prometheus text exposition: `name{a="x",b="y"} 12`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const unescape = (value: string) => value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** A number as the format writes it: `+Inf`, `-Inf` and `NaN` included (JavaScript's Number() reads only `Infinity`). */
export function promNumber(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The samples of a text exposition, comments skipped; `+Inf`, `-Inf` and `NaN` read as numbers. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = unescape(l[2]!);
    samples.push({ name: m[1]!, labels, value: promNumber(m[3]!) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there is none). */
export function sumSamples(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  return sum;
}
