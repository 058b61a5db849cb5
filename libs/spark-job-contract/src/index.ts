import { JOB_OPTIONS, JOB_QUERY_NAMES } from './generated/job-contract.js';

export { DURATION_PATTERN, JOB_OPTIONS, JOB_QUERY_NAMES } from './generated/job-contract.js';

export type JobOptionName = keyof typeof JOB_OPTIONS;
export type JobMode = (typeof JOB_OPTIONS.mode.choices)[number];
export type JobQueryName = (typeof JOB_QUERY_NAMES)[JobMode];

export const JOB_MODES = JOB_OPTIONS.mode.choices;
/** The job's queries, one per mode; each is also its subdirectory of the checkpoint root. */
export const JOB_QUERIES = Object.values(JOB_QUERY_NAMES) as JobQueryName[];
export { defaultCheckpointDir } from './checkpoint-dir.js';
export * from './job-events.js';
export * from './job-position.js';
