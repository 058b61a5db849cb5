/**
 * Users a run fetched that an earlier run had staged already: with users_raw.ingest_run_id they
 * answer "which users did run R fetch", so a rerun can check that all of them are stored.
 */
export const sql = `
CREATE TABLE IF NOT EXISTS users_refetched (
  ingest_run_id text NOT NULL,
  id uuid NOT NULL REFERENCES users_raw (id),
  PRIMARY KEY (ingest_run_id, id)
);
`;
