export const INGEST_SOURCES = ['auto', 'api', 'generator'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/** randomuser.me answers at most 5000 results per request. */
export const MAX_RESULTS_PER_PAGE = 5000;

/** The settings the API client's errors name, so that a message says what to change. */
export const REQUEST_TIMEOUT_VAR = 'INGESTOR_REQUEST_TIMEOUT_MS';
export const MAX_BODY_BYTES_VAR = 'INGESTOR_MAX_BODY_BYTES';

/** 16 MiB: a page of 5000 randomuser results is about 6 MB; a larger answer is refused, not read. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
