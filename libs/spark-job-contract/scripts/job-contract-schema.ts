// The shape of job-contract.json, checked before anything is generated from it: a typo in the
// owner file fails the generator (and the drift test) in one line instead of yielding odd code.
import { z } from 'zod';

const FLAG = /^--[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const option = z
  .strictObject({
    flag: z.string().regex(FLAG, 'expected --kebab-case'),
    type: z.enum(['string', 'integer', 'number', 'boolean', 'duration', 'offsets']),
    default: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    env: z.string().regex(/^[A-Z][A-Z0-9_]*$/).optional(),
    minimum: z.number().optional(),
    exclusiveMinimum: z.number().optional(),
    choices: z.array(z.string().min(1)).min(2).optional(),
    pattern: z.string().optional(),
    patternHint: z.string().optional(),
    description: z.string().min(1).regex(/^[^\n|]+$/, 'one line, no |'),
  })
  .superRefine((o, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message: `${o.flag}: ${message}` });
    const numeric = o.type === 'integer' || o.type === 'number';
    if ((o.minimum !== undefined || o.exclusiveMinimum !== undefined) && !numeric) fail('bounds are for integer or number options');
    if ((o.choices || o.pattern) && o.type !== 'string') fail('choices and pattern are for string options');
    if (o.pattern !== undefined && o.patternHint === undefined) fail('a pattern needs its patternHint (the error message says it)');
    if (o.default === null) return;
    const defaultType = { string: 'string', duration: 'string', offsets: 'string', integer: 'number', number: 'number', boolean: 'boolean' }[o.type];
    if (typeof o.default !== defaultType) return fail(`default ${JSON.stringify(o.default)} is not of type ${o.type}`);
    if (o.type === 'integer' && !Number.isInteger(o.default)) fail(`default ${o.default} is not an integer`);
    if (typeof o.default === 'number' && o.minimum !== undefined && o.default < o.minimum) fail(`default ${o.default} is below ${o.minimum}`);
    if (typeof o.default === 'number' && o.exclusiveMinimum !== undefined && o.default <= o.exclusiveMinimum) fail(`default ${o.default} is not above ${o.exclusiveMinimum}`);
    if (o.choices && !o.choices.includes(String(o.default))) fail(`default ${JSON.stringify(o.default)} is not one of its choices`);
    if (o.pattern && !new RegExp(o.pattern).test(String(o.default))) fail(`default ${JSON.stringify(o.default)} does not match its pattern`);
  });

const CAMEL = /^[a-z][a-zA-Z0-9]*$/;

/** A field of an event's line; `required: false` ones may be absent (or null). */
const eventField = z.strictObject({
  name: z.string().regex(CAMEL, 'expected camelCase'),
  /** `integers`: a list of integers; `offsets`: next offset per partition, `{"0": 120, ...}`. */
  type: z.enum(['string', 'integer', 'number', 'boolean', 'integers', 'offsets']),
  required: z.boolean(),
  description: z.string().min(1).regex(/^[^\n|]+$/, 'one line, no |'),
});

/** An event the launcher acts on: one JSON line of the job with this `msg` and these fields. */
const event = z.strictObject({
  msg: z.string().regex(/^[a-z][a-z ]*[a-z]$/, 'lower-case words'),
  description: z.string().min(1).regex(/^[^\n|]+$/, 'one line, no |'),
  fields: z.array(eventField),
});

/** Fields every job line carries (streamline_job/log.py): an event cannot declare them. */
export const LINE_FIELDS = ['streamline', 'level', 'msg', 'component', 'time'];

export const jobContractSchema = z
  .strictObject({
    $comment: z.string().optional(),
    durationPattern: z.string().min(1),
    /** The streaming query of each mode, also its checkpoint's subdirectory. */
    queries: z.record(z.string(), z.string().regex(/^[a-z][a-z0-9_]*$/)),
    /** By name (camelCase, the TypeScript type's and the Python constant's name). */
    events: z.record(z.string().regex(CAMEL, 'expected camelCase'), event),
    options: z.array(option).min(1),
  })
  .superRefine((c, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    const flags = c.options.map((o) => o.flag);
    const twice = flags.filter((f, i) => flags.indexOf(f) !== i);
    if (twice.length > 0) fail(`flags declared twice: ${twice.join(', ')}`);
    const modes = c.options.find((o) => o.flag === '--mode')?.choices ?? [];
    if (JSON.stringify(Object.keys(c.queries).sort()) !== JSON.stringify([...modes].sort())) fail(`queries must name one query per --mode choice (${modes.join(', ')})`);
    const msgs = Object.values(c.events).map((e) => e.msg);
    const sameMsg = msgs.filter((m, i) => msgs.indexOf(m) !== i);
    if (sameMsg.length > 0) fail(`event msgs declared twice: ${sameMsg.join(', ')}`);
    for (const [name, e] of Object.entries(c.events)) {
      const fields = e.fields.map((f) => f.name);
      const twice = fields.filter((f, i) => fields.indexOf(f) !== i);
      if (twice.length > 0) fail(`event ${name}: fields declared twice: ${twice.join(', ')}`);
      const reserved = fields.filter((f) => LINE_FIELDS.includes(f));
      if (reserved.length > 0) fail(`event ${name}: ${reserved.join(', ')} belong to every line, not to an event`);
    }
    for (const o of c.options) {
      if (o.type === 'duration' && typeof o.default === 'string' && !new RegExp(c.durationPattern).test(o.default)) fail(`${o.flag}: default "${o.default}" is not a duration`);
    }
  });

export type JobContract = z.output<typeof jobContractSchema>;
export type JobOptionSpec = JobContract['options'][number];
export type JobEventSpec = JobContract['events'][string];
export type JobEventFieldSpec = JobEventSpec['fields'][number];
