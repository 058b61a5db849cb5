import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outputs, readContract, renderAll } from '../scripts/generate-job-options.js';
import { jobContractSchema } from '../scripts/job-contract-schema.js';

describe('files generated from job-contract.json', () => {
  const rendered = renderAll();
  it.each(Object.keys(outputs) as Array<keyof typeof outputs>)('the %s side matches the contract (run `npm run gen:job-options` after changing it)', (what) => {
    expect(readFileSync(outputs[what], 'utf8')).toBe(rendered[what]);
  });
});

describe('the contract check', () => {
  const contract = readContract();
  const withOption = (flag: string, change: object) => ({ ...contract, options: contract.options.map((o) => (o.flag === flag ? { ...o, ...change } : o)) });
  const withEvent = (name: string, change: object) => ({ ...contract, events: { ...contract.events, [name]: { ...contract.events[name]!, ...change } } });
  const issues = (value: unknown) => jobContractSchema.safeParse(value).error?.issues.map((i) => i.message) ?? [];

  it('accepts the committed contract', () => {
    expect(issues(contract)).toEqual([]);
  });

  it.each([
    ['--warm-up-users', { default: -1 }, '--warm-up-users: default -1 is below 0'],
    ['--trigger-seconds', { default: 0 }, '--trigger-seconds: default 0 is not above 0'],
    ['--mode', { default: 'continuous' }, '--mode: default "continuous" is not one of its choices'],
    ['--mode', { choices: ['microbatch', 'realtime', 'continuous'] }, 'queries must name one query per --mode choice (microbatch, realtime, continuous)'],
    ['--watermark', { default: 'ten' }, '--watermark: default "ten" is not a duration'],
    ['--app-name', { default: 'my app' }, '--app-name: default "my app" does not match its pattern'],
    ['--max-offsets-per-trigger', { default: '50000' }, '--max-offsets-per-trigger: default "50000" is not of type integer'],
    ['--source-topic', { flag: '--dlq-topic' }, 'flags declared twice: --dlq-topic'],
  ])('refuses %s with %j, saying why', (flag, change, message) => {
    expect(issues(withOption(flag, change))).toContain(message);
  });

  it.each([
    ['batchWritten', { msg: 'query started' }, 'event msgs declared twice: query started'],
    ['jobFailed', { fields: [{ name: 'error', type: 'string', required: true, description: 'x' }, { name: 'error', type: 'string', required: false, description: 'y' }] }, 'event jobFailed: fields declared twice: error'],
    ['jobFailed', { fields: [{ name: 'level', type: 'string', required: true, description: 'x' }] }, 'event jobFailed: level belong to every line, not to an event'],
  ])('refuses event %s with %j, saying why', (name, change, message) => {
    expect(issues(withEvent(name, change))).toContain(message);
  });

  it('refuses an event field of an unknown type', () => {
    const bad = withEvent('jobFailed', { fields: [{ name: 'error', type: 'date', required: true, description: 'x' }] });
    expect(jobContractSchema.safeParse(bad).error?.issues.map((i) => i.path.join('.'))).toEqual(['events.jobFailed.fields.0.type']);
  });
});
