/**
 * `aggregatetype` is the domain (`user`), as Debezium's outbox event router expects: the relay
 * routes it to a topic through config. Rows written before this held the topic name; the ones
 * still to publish get the domain, published history is left as it is.
 */
export const sql = `
UPDATE outbox SET aggregatetype = 'user' WHERE published_at IS NULL AND aggregatetype <> 'user';
`;
