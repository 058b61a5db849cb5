/**
 * The WAL relay (RELAY_SOURCE=wal) does not mark each outbox row published: it confirms its
 * replication slot's position once per batch the broker acknowledged, and records here, in the
 * same step, the position and the highest outbox seq it covers. Every outbox row at or below the
 * greatest `confirmed_seq` counts as published (the lag, the monitor's counts, retention, and the
 * polling relay's claim, so a switch between the two sources sends nothing twice). A new slot
 * streams only what commits after it: `caught_up` says the rows committed before it were published
 * from the table once (false until then, again after the slot is dropped and made anew).
 */
export const sql = `
CREATE TABLE IF NOT EXISTS outbox_wal_positions (
  slot text PRIMARY KEY,               -- the replication slot's name
  confirmed_lsn pg_lsn NOT NULL,       -- confirmed to the slot (flushed) after the broker's ack
  confirmed_seq bigint NOT NULL,       -- the highest outbox seq published up to that position
  confirmed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  caught_up boolean NOT NULL DEFAULT false
);
`;
