// The consumer-lag table's words. A Real-time Mode job writes its position only at each batch end
// (minutes apart), so a lag that stands still between two ends is no stall; and before its first
// batch ends it has written none at all: its position reads as the log start though its records
// are out. Both say what they are, and only a lag that does not move otherwise is called stalled.
// A position the monitor cannot know (the job's launcher does not answer) says so, with no figures.
import type { LagView } from './state.js';

/** `spark-app (spark checkpoint, realtime batch 3)`, `… realtime: first batch in progress`, `… position unknown: why`, `writer (consumer group)`. */
export function groupLabel(g: Pick<LagView, 'group' | 'kind' | 'batch' | 'checkpointedPerBatch' | 'unknown'>): string {
  if (g.unknown !== null) return `${g.group} (${g.kind}, position unknown: ${g.unknown})`;
  const batch = g.batch !== null ? `, ${g.checkpointedPerBatch ? 'realtime ' : ''}batch ${g.batch}` : g.checkpointedPerBatch ? ', realtime: first batch in progress' : '';
  return `${g.group} (${g.kind}${batch})`;
}

export interface LagCell {
  text: string;
  /** Orange: records held back and the consumer not moving. */
  warn: boolean;
}

/** The "lag (s)" cell of a group's row or one partition's: seconds to catch up, or why there are none. */
export function lagCell(g: Pick<LagView, 'batch' | 'checkpointedPerBatch'>, lag: number, seconds: number | null, formatSeconds: (s: number | null) => string): LagCell {
  if (!(lag > 0 && seconds === null)) return { text: formatSeconds(seconds), warn: false };
  if (!g.checkpointedPerBatch) return { text: 'stalled', warn: true };
  return { text: g.batch === null ? 'first batch in progress' : 'at batch end', warn: false };
}
