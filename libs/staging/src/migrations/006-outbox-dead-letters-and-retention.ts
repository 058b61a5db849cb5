/**
 * Outbox rows the relay cannot publish (no route for their aggregatetype, a payload the schema
 * cannot encode: written by another service, say) move here with the reason, so the rows after
 * them flow on. A BRIN index on created_at (tiny, cheap to keep: rows arrive in time order) lets
 * retention find old rows without scanning the table.
 */
export const sql = `
CREATE TABLE IF NOT EXISTS outbox_dead_letters (
  seq bigint PRIMARY KEY,              -- the outbox row's seq
  id uuid NOT NULL,
  aggregatetype text NOT NULL,
  aggregateid text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  reason text NOT NULL,
  set_aside_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS outbox_created_at_brin ON outbox USING brin (created_at);
`;
