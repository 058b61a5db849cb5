import { describe, expect, it } from 'vitest';
import { renderTop, type TopState } from './top-view.js';

const state: TopState = {
  t: Date.UTC(2026, 11, 2, 3, 0, 0),
  flow: [
    { stage: 'fetched', count: 12000, ratePerSecond: 998.5, sides: [{ label: 'rejected', count: 0 }] },
    { stage: 'stored', count: 11500, ratePerSecond: 1001, sides: [{ label: 'DLQ (writer)', count: 3 }] },
  ],
  lag: [
    { group: 'streamline-writer', topic: 'users_processed', lag: { total: 0, lagSeconds: 0, consumedPerSecond: 1000 } },
    { group: 'spark', topic: 'users_created', lag: { total: 500, lagSeconds: null, consumedPerSecond: 0 } },
  ],
  latency: { p50: 0.42, p95: 1.8, p99: 2.5, count: 6000 },
  apps: [],
  errors: { airflow: 'no answer' },
};

describe('renderTop', () => {
  it('prints the flow, the latency and the lag as aligned tables, with what failed', () => {
    expect(renderTop(state, 'http://127.0.0.1:9400').split('\n')).toEqual([
      'streamline top: http://127.0.0.1:9400 at 2026-12-02T03:00:00.000Z',
      '',
      'stage    count   per s       set aside',
      '-------  -----  ------  --------------',
      'fetched  12000   998.5               -',
      'stored   11500  1001.0  DLQ (writer) 3',
      '',
      'latency staging -> Cassandra: p50 420 ms, p95 1.80 s, p99 2.50 s (6000 users)',
      '',
      'consumer                     topic  lag    lag s   per s',
      '-----------------  ---------------  ---  -------  ------',
      'streamline-writer  users_processed    0      0.0  1000.0',
      'spark                users_created  500  stalled     0.0',
      '',
      '! airflow: no answer',
    ]);
  });
});
