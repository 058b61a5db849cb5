/**
 * users_raw no longer keeps the mapped record: it is the raw JSON run through the mapper, and the
 * outbox payload already carries it. One jsonb less to parse and store per user.
 */
export const sql = `ALTER TABLE users_raw DROP COLUMN IF EXISTS record;`;
