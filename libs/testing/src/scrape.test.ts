import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './scrape.js';

describe('parsePrometheusText', () => {
  it('reads names, labels and values, skipping comments', () => {
    const text = ['# HELP x y', '# TYPE streamline_records_in_total counter', 'streamline_records_in_total{stage="relay",app="relay"} 42', 'process_cpu_seconds_total 1.5', ''].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'streamline_records_in_total', labels: { stage: 'relay', app: 'relay' }, value: 42 },
      { name: 'process_cpu_seconds_total', labels: {}, value: 1.5 },
    ]);
  });
});
