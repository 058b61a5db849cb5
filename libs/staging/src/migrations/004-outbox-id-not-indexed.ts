/**
 * outbox.id is a gen_random_uuid() event id, unique by construction and never looked up, so its
 * UNIQUE index only cost work: an index entry on every insert and, since marking a row published
 * is not a HOT update, another on every update. Measured on 100,000 users: PostgreSQL's CPU per user
 * ~53 -> ~47 µs to stage, ~17 -> ~12 µs for the relay to claim and mark.
 */
export const sql = `
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_id_key;
`;
