// What the server sends over /api/events and its JSON API: the server's own types, imported (type
// only, so nothing of the server's code is bundled into the page).
export type { ChartPoint, LagView, MonitorState, SlotView } from '../sampler.js';
export type { DeadLetter } from '../dlq-store.js';
export type { FindResult, UserTrace } from '../find-user.js';

import type { ChartPoint, MonitorState } from '../sampler.js';
import type { DeadLetter } from '../dlq-store.js';

/** The first event of a connection: the state and every chart point the server keeps. */
export interface SnapshotEvent {
  state: MonitorState;
  points: ChartPoint[];
}

/** One per tick: the state and the tick's chart point (null before the first one). */
export interface UpdateEvent {
  state: MonitorState;
  point: ChartPoint | null;
}

/** GET /api/dlq */
export interface DlqResponse {
  counts: { total: number; byStage: Record<string, number> };
  latest: DeadLetter[];
}
