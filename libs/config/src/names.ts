/** Names every app agrees on (the seed's keyspace and table, the topics of DESIGN.md). */
export const TOPICS = Object.freeze({
  created: 'users_created',
  processed: 'users_processed',
  dlq: 'users_dlq',
});

export const CASSANDRA = Object.freeze({
  keyspace: 'spark_streams',
  table: 'created_users',
});

export const SUBJECTS = Object.freeze({
  created: `${TOPICS.created}-value`,
  processed: `${TOPICS.processed}-value`,
});
