export const INGEST_SOURCES = ['auto', 'api', 'generator'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/** randomuser.me answers at most 5000 results per request. */
export const MAX_RESULTS_PER_PAGE = 5000;
