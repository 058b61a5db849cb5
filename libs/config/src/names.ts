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

/**
 * Env names under which every app reads the topic names, so one setting (e.g. for a test run on
 * its own topics) reaches relay, Spark job and writer alike.
 */
export const TOPIC_VARS = Object.freeze({
  created: 'TOPIC_USERS_CREATED',
  processed: 'TOPIC_USERS_PROCESSED',
  dlq: 'TOPIC_USERS_DLQ',
});
