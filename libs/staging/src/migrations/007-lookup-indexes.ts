/**
 * The monitor's "find a user" looks users up by e-mail and follows an id through the outbox, its
 * dead letters and the re-fetches: without these indexes each search scanned the whole tables.
 * The outbox's costs one more index entry per staged user and per publish (marking a row published
 * is no HOT update already, see 004). Built inside the migration's transaction: on a large
 * existing staging it blocks writes while it builds (minutes at tens of millions of rows).
 */
export const sql = `
CREATE INDEX IF NOT EXISTS users_raw_email_lower ON users_raw (lower(email));
CREATE INDEX IF NOT EXISTS users_refetched_id ON users_refetched (id);
CREATE INDEX IF NOT EXISTS outbox_aggregateid ON outbox (aggregateid);
CREATE INDEX IF NOT EXISTS outbox_dead_letters_aggregateid ON outbox_dead_letters (aggregateid);
`;
