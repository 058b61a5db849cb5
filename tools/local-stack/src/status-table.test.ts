import { describe, expect, it } from 'vitest';
import { renderStatusTable } from './status-table.js';
import type { ComponentStatus } from './stack.js';

const row = (over: Partial<ComponentStatus>): ComponentStatus => ({
  name: 'postgres',
  kind: 'server',
  port: 5433,
  pid: 42,
  running: true,
  health: 'healthy',
  detail: 'PostgreSQL 15',
  rssMiB: 38,
  installed: 'postgresql-15',
  ...over,
});

describe('renderStatusTable', () => {
  it('shows what a server reports with its control characters escaped, one line per component', () => {
    const text = renderStatusTable([row({ detail: 'PostgreSQL\u001b[2J\u001b]0;x\u0007 15\nfake line' }), row({ name: 'kafka', port: 9092 })]);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('PostgreSQL\\x1b[2J\\x1b]0;x\\x07 15\\x0afake line');
    expect(text.split('\n')[3]).toMatch(/^kafka +42 +9092 +healthy/);
  });
});
