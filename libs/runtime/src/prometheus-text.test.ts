import { describe, expect, it } from 'vitest';
import { parsePrometheusText, promNumber, sumSamples } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads names, labels and values, skipping comments', () => {
    const text = ['# HELP x y', '# TYPE streamline_records_in_total counter', 'streamline_records_in_total{stage="relay",app="relay"} 42', 'process_cpu_seconds_total 1.5', ''].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'streamline_records_in_total', labels: { stage: 'relay', app: 'relay' }, value: 42 },
      { name: 'process_cpu_seconds_total', labels: {}, value: 1.5 },
    ]);
  });

  it('reads +Inf bucket bounds and escaped label values', () => {
    const [bucket, escaped] = parsePrometheusText('h_bucket{le="+Inf"} 7\nx{reason="a \\"b\\" \\\\ c"} 1\n');
    expect(bucket).toEqual({ name: 'h_bucket', labels: { le: '+Inf' }, value: 7 });
    expect(promNumber(bucket!.labels.le!)).toBe(Infinity);
    expect(parsePrometheusText('g +Inf\n')[0]!.value).toBe(Infinity);
    expect(escaped!.labels.reason).toBe('a "b" \\ c');
  });
});

describe('sumSamples', () => {
  it('adds the samples of a name whose labels match', () => {
    const samples = parsePrometheusText('r{stage="a",outcome="ok"} 2\nr{stage="a",outcome="dlq"} 3\nr{stage="b",outcome="ok"} 5\n');
    expect(sumSamples(samples, 'r', { stage: 'a' })).toBe(5);
    expect(sumSamples(samples, 'r', { outcome: 'ok' })).toBe(7);
    expect(sumSamples(samples, 'missing')).toBe(0);
  });
});
