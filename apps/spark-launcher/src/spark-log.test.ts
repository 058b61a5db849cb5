import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createSparkLogForwarder, parseSparkLine } from './spark-log.js';

function capture() {
  const entries: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => entries.push(JSON.parse(s)) });
  return { log, entries };
}
const levelName: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };

describe('parseSparkLine', () => {
  it('reads the job JSON lines, log4j lines and stack-trace lines', () => {
    expect(parseSparkLine('{"streamline": 1, "level": "warn", "msg": "dropped", "component": "users-stream", "time": 1, "n": 2}')).toEqual({
      kind: 'job',
      level: 'warn',
      msg: 'dropped',
      fields: { n: 2 },
    });
    expect(parseSparkLine('26/11/24 19:48:32 WARN TaskSetManager: Lost task 0.0')).toEqual({
      kind: 'spark',
      level: 'warn',
      logger: 'TaskSetManager',
      msg: 'Lost task 0.0',
    });
    expect(parseSparkLine('\tat org.apache.spark.Foo.bar(Foo.scala:1)').kind).toBe('continuation');
    expect(parseSparkLine('Caused by: java.io.IOException: boom').kind).toBe('continuation');
    expect(parseSparkLine('{"not": "ours"}')).toEqual({ kind: 'other', text: '{"not": "ours"}' });
  });
});

describe('createSparkLogForwarder', () => {
  it('logs job lines with their level and fields, and reports them', () => {
    const { log, entries } = capture();
    const seen: string[] = [];
    const fwd = createSparkLogForwarder(log, (msg) => seen.push(msg));
    fwd.line('{"streamline": 1, "level": "info", "msg": "query started", "applicationId": "app-1"}');
    expect(seen).toEqual(['query started']);
    expect(entries).toMatchObject([{ level: 30, msg: 'query started', applicationId: 'app-1', origin: 'job' }]);
  });

  it('folds a stack trace into its entry and keeps levels, demoting known noise to debug', () => {
    const { log, entries } = capture();
    const fwd = createSparkLogForwarder(log);
    fwd.line('26/11/24 19:48:32 WARN NativeCodeLoader: Unable to load native-hadoop library for your platform');
    fwd.line('26/11/24 19:48:33 ERROR MicroBatchExecution: Query cleanse terminated with error');
    fwd.line('org.apache.spark.SparkException: Job aborted');
    fwd.line('\tat org.apache.spark.Foo.bar(Foo.scala:1)');
    fwd.line('26/11/24 19:48:34 WARN ProcessingTimeExecutor: Current batch is falling behind. The trigger interval is 2000 milliseconds');
    fwd.line('26/11/24 19:48:35 WARN TaskSetManager: Lost task 0.0');
    fwd.end();
    expect(entries.map((e) => [levelName[e.level as number], e.msg])).toEqual([
      ['debug', 'Unable to load native-hadoop library for your platform'],
      ['error', 'Query cleanse terminated with error'],
      ['info', 'Current batch is falling behind. The trigger interval is 2000 milliseconds'],
      ['warn', 'Lost task 0.0'],
    ]);
    expect(entries[1]!.stack).toBe('org.apache.spark.SparkException: Job aborted\n\tat org.apache.spark.Foo.bar(Foo.scala:1)');
    expect(entries[1]!.logger).toBe('MicroBatchExecution');
  });

  it("logs realtime mode's deliberate task failures on an unknown schema id at info, other failures as they are", () => {
    const { log, entries } = capture();
    const fwd = createSparkLogForwarder(log);
    fwd.line('26/12/02 14:16:53 WARN TaskSetManager: Lost task 1.0 in stage 5.0: org.apache.spark.SparkRuntimeException: [USER_RAISED_EXCEPTION] streamline-unknown-schema-id:3');
    fwd.line('26/12/02 14:16:53 ERROR MicroBatchExecution: Query realtime terminated with error');
    fwd.line('org.apache.spark.SparkRuntimeException: [USER_RAISED_EXCEPTION] streamline-unknown-schema-id:3 SQLSTATE: P0001');
    fwd.line('\tat org.apache.spark.Foo.bar(Foo.scala:1)');
    fwd.line('26/12/02 14:16:54 ERROR MicroBatchExecution: Query realtime terminated with error');
    fwd.line('org.apache.spark.SparkException: Job aborted');
    fwd.end();
    expect(entries.map((e) => levelName[e.level as number])).toEqual(['info', 'info', 'error']);
  });

  it('emits an entry once the output pauses', async () => {
    const { log, entries } = capture();
    const fwd = createSparkLogForwarder(log, undefined, 10);
    fwd.line('26/11/24 19:48:33 ERROR Foo: alone');
    expect(entries).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(entries).toMatchObject([{ level: 50, msg: 'alone' }]);
  });
});
