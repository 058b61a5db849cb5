/** Staging tables: users_raw and the Debezium-shaped outbox. */
export const sql = `
-- Staging: every fetched user once (raw JSON plus mapped columns), and a transactional outbox
-- with Debezium's outbox columns so Debezium could read the same table.
CREATE TABLE IF NOT EXISTS users_raw (
  id uuid PRIMARY KEY,                 -- login.uuid: the same user fetched twice is one row
  raw jsonb NOT NULL,                  -- the API result as received
  record jsonb NOT NULL,               -- the mapped users_created record (without staged_at)
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text NOT NULL,
  source text NOT NULL,
  ingest_run_id text NOT NULL,
  staged_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS users_raw_ingest_run_id ON users_raw (ingest_run_id);

CREATE TABLE IF NOT EXISTS outbox (
  seq bigserial PRIMARY KEY,           -- claim order
  id uuid NOT NULL UNIQUE,             -- event id (sent as a header, for dedupe downstream)
  aggregatetype text NOT NULL,         -- picks the topic
  aggregateid text NOT NULL,           -- message key (the user id): per-key order
  type text NOT NULL,
  payload jsonb NOT NULL,              -- the users_created record, staged_at included
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz
);
-- The relay only ever looks at unpublished rows.
CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
`;
