import { describe, expect, it } from 'vitest';
import { createAppMetrics } from './app-metrics.js';

const series = async (text: Promise<string>, name: string) => (await text).split('\n').filter((l) => l.startsWith(`${name}{`));

describe('createAppMetrics', () => {
  it("shows a stage's declared outcomes and its retry errors as zero series before any record", async () => {
    const metrics = createAppMetrics('relay');
    metrics.stage('relay', ['dead_letter']);
    expect(await series(metrics.registry.metrics(), 'streamline_records_out_total')).toEqual([
      'streamline_records_out_total{stage="relay",outcome="ok",app="relay"} 0',
      'streamline_records_out_total{stage="relay",outcome="dead_letter",app="relay"} 0',
    ]);
    expect(await series(metrics.registry.metrics(), 'streamline_errors_total')).toEqual(['streamline_errors_total{stage="relay",kind="retry",app="relay"} 0']);
  });

  it('counts what the stage reports under its outcome', async () => {
    const metrics = createAppMetrics('writer');
    const stage = metrics.stage('write', ['duplicate']);
    stage.recordsOut(5);
    stage.recordsOut(2, 'duplicate');
    stage.error('retry');
    expect(await series(metrics.registry.metrics(), 'streamline_records_out_total')).toEqual([
      'streamline_records_out_total{stage="write",outcome="ok",app="writer"} 5',
      'streamline_records_out_total{stage="write",outcome="duplicate",app="writer"} 2',
    ]);
    expect(await series(metrics.registry.metrics(), 'streamline_errors_total')).toEqual(['streamline_errors_total{stage="write",kind="retry",app="writer"} 1']);
  });
});
