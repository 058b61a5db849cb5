// Where the job stands on its source topic, as the launcher serves it in its /healthz body
// (`details.job`) and the monitor reads it: the launcher builds it from the job's "committed
// position" events, the monitor validates it with the same schema. One owner for both sides.
import { z } from 'zod';
import { JOB_OPTIONS, JOB_QUERY_NAMES } from './generated/job-contract.js';
import type { CommittedPositionEvent } from './job-events.js';

const modes = JOB_OPTIONS.mode.choices;
type Mode = (typeof modes)[number];

export const jobPositionSchema = z.strictObject({
  mode: z.enum(modes),
  query: z.enum(Object.values(JOB_QUERY_NAMES) as [string, ...string[]]),
  /** The source topic. */
  topic: z.string().min(1),
  /** The query's last committed batch; null before its first commit (since its checkpoint began). */
  batch: z.number().int().nonnegative().nullable(),
  /** Next offset per partition of the topic; null: nothing committed, it reads from its starting offsets. */
  offsets: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()).nullable(),
  /** When the launcher heard it (ISO time). */
  at: z.iso.datetime(),
  /**
   * Real-time Mode before its first commit: its first batch runs (minutes long) and its records are
   * out already, but its position moves only at that batch's end.
   */
  firstBatchRunning: z.boolean(),
});

export type JobPosition = z.output<typeof jobPositionSchema>;

/** The key of the position in the launcher's /healthz details. */
export const JOB_POSITION_DETAIL = 'job';

const modeOfQuery = new Map(Object.entries(JOB_QUERY_NAMES).map(([mode, query]) => [query as string, mode as Mode]));

/** The position a "committed position" event tells; null when it names a query of no mode. */
export function jobPositionOf(event: CommittedPositionEvent, at: Date): JobPosition | null {
  const mode = modeOfQuery.get(event.query);
  if (mode === undefined) return null;
  return {
    mode,
    query: event.query,
    topic: event.topic,
    batch: event.batch,
    offsets: event.offsets,
    at: at.toISOString(),
    firstBatchRunning: mode === 'realtime' && event.batch === null,
  };
}

/** The position in a launcher's /healthz details, checked; a one-line error saying what is wrong. */
export function readJobPosition(details: unknown): { position: JobPosition } | { error: string } {
  const value = (details as Record<string, unknown> | null | undefined)?.[JOB_POSITION_DETAIL];
  if (value === undefined || value === null) return { error: 'the job has not reported its position yet' };
  const parsed = jobPositionSchema.safeParse(value);
  if (!parsed.success) return { error: `the launcher's job position is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'job'} ${i.message}`).join('; ')}` };
  return { position: parsed.data };
}
