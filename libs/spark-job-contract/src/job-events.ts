// The launcher's side of the job's events: a job line (its `msg` and fields, as spark-log.ts parses
// it) checked against the event's declaration in the contract and typed. The declarations and the
// types are generated from job-contract.json; this is the one check that applies them.
import { JOB_EVENTS, type JobEvent } from './generated/job-contract.js';

export type { BatchWrittenEvent, CommittedPositionEvent, JobEvent, JobFailedEvent, QueryProgressEvent, QueryStartedEvent } from './generated/job-contract.js';

export type JobEventName = keyof typeof JOB_EVENTS;
type FieldType = (typeof JOB_EVENTS)[JobEventName]['fields'][number]['type'];

const isInteger = (v: unknown): v is number => Number.isSafeInteger(v);
const FIELD_CHECKS: Record<FieldType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: isInteger,
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  integers: (v) => Array.isArray(v) && v.every(isInteger),
  offsets: (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(v).every(([p, o]) => /^\d+$/.test(p) && isInteger(o) && o >= 0),
};

const EXPECTED: Record<FieldType, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  integers: 'a list of integers',
  offsets: 'offsets by partition',
};

const byMsg = new Map<string, JobEventName>(Object.entries(JOB_EVENTS).map(([name, e]) => [e.msg, name as JobEventName]));

/** The msg of each event, by name (what the job writes in its line's `msg`). */
export const JOB_EVENT_MSGS = Object.fromEntries(Object.entries(JOB_EVENTS).map(([name, e]) => [name, e.msg])) as { [N in JobEventName]: (typeof JOB_EVENTS)[N]['msg'] };

/**
 * A job line as one of the contract's events: `null` when `msg` names no event (a line only to log),
 * `{ error }` when it names one but a field is missing or of another type (the job and the launcher
 * disagree on the contract). Optional fields absent from the line are null; undeclared ones dropped.
 */
export function checkJobEvent(msg: string, fields: Readonly<Record<string, unknown>>): { event: JobEvent } | { error: string } | null {
  const name = byMsg.get(msg);
  if (name === undefined) return null;
  const event: Record<string, unknown> = { event: name };
  for (const field of JOB_EVENTS[name].fields) {
    const value = fields[field.name];
    if (value === undefined || value === null) {
      if (field.required) return { error: `job event "${msg}": field ${field.name} is missing` };
      event[field.name] = null;
    } else if (!FIELD_CHECKS[field.type](value)) {
      return { error: `job event "${msg}": field ${field.name} is not ${EXPECTED[field.type]} (${JSON.stringify(value)})` };
    } else event[field.name] = value;
  }
  return { event: event as unknown as JobEvent };
}

/** The typed event of a job line, or null when the line is no event of the contract (or a malformed one). */
export function parseJobEvent(msg: string, fields: Readonly<Record<string, unknown>>): JobEvent | null {
  const checked = checkJobEvent(msg, fields);
  return checked && 'event' in checked ? checked.event : null;
}
