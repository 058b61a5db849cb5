// One row of the consumer-lag table: a group's positions over the samples kept, as lag in records
// and seconds, with what the page needs to name it (its Spark batch, Real-time Mode, or why its
// position is not known).
import type { GroupPositions } from './kafka-state.js';
import { groupLag, type GroupLag, type PartitionPosition } from './lag-seconds.js';

export interface LagView {
  group: string;
  kind: GroupPositions['kind'];
  topic: string;
  batch: number | null;
  /** Real-time Mode's checkpoint: it moves only at each batch end (the page does not call it stalled). */
  checkpointedPerBatch: boolean;
  /** Why the group's position is not known (the Spark job's launcher down, say); its lag is then null. */
  unknown: string | null;
  lag: GroupLag | null;
}

/** A sample's positions by group (groups whose position was not known at that sample are absent). */
export interface GroupSample {
  t: number;
  groups: Record<string, Record<string, PartitionPosition>>;
}

/** The positions of a sample: those of the groups known at it. */
export const knownPositions = (groups: readonly GroupPositions[]): GroupSample['groups'] =>
  Object.fromEntries(groups.filter((g) => g.unknown === undefined).map((g) => [g.group, g.partitions]));

/** `g`'s row as of its latest sample, its pace over `windowMs` of the samples where it was known. */
export function lagView(g: GroupPositions, samples: readonly GroupSample[], windowMs: number): LagView {
  return {
    group: g.group,
    kind: g.kind,
    topic: g.topic,
    batch: g.batch ?? null,
    checkpointedPerBatch: g.checkpointedPerBatch ?? false,
    unknown: g.unknown ?? null,
    lag: g.unknown === undefined ? groupLag(samples.filter((s) => s.groups[g.group]).map((s) => ({ t: s.t, partitions: s.groups[g.group]! })), windowMs) : null,
  };
}
