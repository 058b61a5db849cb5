import type { Logger } from '@streamline/runtime';

export type LineLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line of spark-submit output, understood. */
export type SparkLine =
  | { kind: 'job'; level: LineLevel; msg: string; fields: Record<string, unknown> }
  | { kind: 'spark'; level: LineLevel; logger: string; msg: string }
  | { kind: 'continuation'; text: string }
  | { kind: 'other'; text: string };

/** A JSON line the job wrote (streamline_job/log.py): `{"streamline": 1, "level", "msg", ...}`. */
function parseJobLine(line: string): SparkLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const { streamline, level, msg, time: _time, component: _component, ...fields } = JSON.parse(line) as Record<string, unknown>;
    if (streamline !== 1 || typeof msg !== 'string') return undefined;
    const known = ['debug', 'info', 'warn', 'error'] as const;
    return { kind: 'job', level: known.find((l) => l === level) ?? 'info', msg, fields };
  } catch {
    return undefined;
  }
}

/** log4j's default Spark pattern: `26/11/24 19:48:32 WARN NativeCodeLoader: message`. */
const LOG4J = /^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) ([\w$.-]+): ?(.*)$/;
const LOG4J_LEVELS: Record<string, LineLevel> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', FATAL: 'error' };
/** Stack-trace lines belong to the entry above them. */
const CONTINUATION = /^(\s+|Caused by:|\.\.\. \d+ more|Traceback \(most recent call last\):|\w+(\.\w+)*(Error|Exception)\b)/;

export function parseSparkLine(line: string): SparkLine {
  const job = parseJobLine(line);
  if (job) return job;
  const m = LOG4J.exec(line);
  if (m) return { kind: 'spark', level: LOG4J_LEVELS[m[1]!]!, logger: m[2]!, msg: m[3]! };
  if (CONTINUATION.test(line)) return { kind: 'continuation', text: line };
  return { kind: 'other', text: line };
}

/**
 * Spark's warnings that say nothing about this job on this machine: shown at debug only. Warnings
 * that matter (lost executors, Kafka errors, batches falling behind) pass through.
 */
export const NOISY_SPARK_LINES: RegExp[] = [
  /NativeCodeLoader: Unable to load native-hadoop/,
  /ResolveWriteToStream: spark\.sql\.adaptive\.enabled is not supported/,
  /MicroBatchExecution: Disabling AQE/,
  /SparkStringUtils: Truncated the string representation/,
  /DAGScheduler: Failed to cancel job group/,
  /Utils: (Your hostname|Set SPARK_LOCAL_IP)/,
  /AdminClientConfig: These configurations .* were supplied but are not used/,
  /KafkaDataConsumer: KafkaDataConsumer is not running in UninterruptibleThread/,
  /OffsetSeqMetadata: Updating the value of conf/,
];
const NOISY_OTHER = [/^WARNING: Using incubator modules/, /^Using Spark's default log4j profile/, /^Setting Spark log level/, /^To adjust logging level/, /^\s*$/];
/** Warnings that are really progress reports. */
const DEMOTED_TO_INFO = [/ProcessingTimeExecutor: Current batch is falling behind/];
/**
 * Realtime mode fails its tasks on purpose on a writer schema id it does not know
 * (streamline_job/unknown_schemas.py MARK); the driver restarts the query: Spark's errors about it
 * (lost tasks, the query's failure with the mark in its trace) are that restart, at info.
 */
const EXPECTED_FAILURE = /streamline-unknown-schema-id:/;

interface Pending {
  level: LineLevel;
  msg: string;
  fields: Record<string, unknown>;
  stack: string[];
}

const MAX_STACK_LINES = 40;

/**
 * Forwards spark-submit's stdout and stderr lines through pino: the job's JSON lines with their own
 * level and fields, Spark's log4j lines at their level (known noise at debug), anything else at
 * info. Stack traces are folded into the entry they belong to. `onJobLine` sees every job line
 * (the supervisor learns "query started" from it).
 */
export function createSparkLogForwarder(
  log: Logger,
  onJobLine: (msg: string, fields: Record<string, unknown>) => void = () => undefined,
  idleFlushMs = 250,
) {
  let pending: Pending | undefined;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    if (!pending) return;
    const { msg, fields, stack } = pending;
    const expected = fields.origin === 'spark' && pending.level !== 'debug' && [msg, ...stack].some((l) => EXPECTED_FAILURE.test(l));
    const level = expected ? 'info' : pending.level;
    pending = undefined;
    log[level](stack.length > 0 ? { ...fields, stack: stack.join('\n') } : fields, msg);
  };

  return {
    line(line: string): void {
      const parsed = parseSparkLine(line);
      if (parsed.kind === 'continuation') {
        if (!pending) log.info({ origin: 'spark' }, parsed.text);
        else {
          if (pending.stack.length < MAX_STACK_LINES) pending.stack.push(parsed.text);
          clearTimeout(timer);
          timer = setTimeout(flush, idleFlushMs);
          timer.unref();
        }
        return;
      }
      flush();
      if (parsed.kind === 'job') {
        onJobLine(parsed.msg, parsed.fields);
        pending = { level: parsed.level, msg: parsed.msg, fields: { origin: 'job', ...parsed.fields }, stack: [] };
      } else if (parsed.kind === 'spark') {
        const text = `${parsed.logger}: ${parsed.msg}`;
        const level = NOISY_SPARK_LINES.some((re) => re.test(text)) ? 'debug' : DEMOTED_TO_INFO.some((re) => re.test(text)) ? 'info' : parsed.level;
        pending = { level, msg: parsed.msg, fields: { origin: 'spark', logger: parsed.logger }, stack: [] };
      } else {
        const level = NOISY_OTHER.some((re) => re.test(parsed.text)) ? 'debug' : 'info';
        pending = { level, msg: parsed.text, fields: { origin: 'spark' }, stack: [] };
      }
      // Job lines never carry a trace (the job puts its own in a field): emitted at once. Other
      // entries are complete when the next one starts, the stream ends or output pauses.
      if (parsed.kind === 'job') flush();
      else {
        clearTimeout(timer);
        timer = setTimeout(flush, idleFlushMs);
        timer.unref();
      }
    },
    /** Call when the process's output ended. */
    end: flush,
  };
}
