import { z } from 'zod';
import { type AppBasics, boundedInt, type Env, loadAppBasics, loadStallBound, nonNegativeInt, oneOf, positiveInt, readVar, TOPIC_VARS, TOPICS } from '@streamline/config';
import { SLOT_NAME } from '@streamline/staging';

export interface RelayConfig extends AppBasics {
  /**
   * Debezium's outbox event router routing: an outbox row's `aggregatetype` (the domain) picks its
   * topic. Default `user` -> TOPIC_USERS_CREATED.
   */
  routes: ReadonlyMap<string, string>;
  /** Outbox rows claimed, encoded and produced per transaction. */
  batchSize: number;
  /** Fallback poll when no NOTIFY arrives (e.g. the listener connection dropped). */
  pollIntervalMs: number;
  lagReportIntervalMs: number;
  /** Retention: published outbox rows older than this are removed (users_raw keeps the history). */
  outboxRetentionMs: number;
  outboxPruneIntervalMs: number;
  /** Rows removed per DELETE, so the relay's claims are never held up for long. */
  outboxPruneBatch: number;
  /**
   * Most bytes per produce request; the relay uses the least of this and each topic's
   * max.message.bytes (read from the broker at start). A claimed batch goes in as many requests as
   * it takes; a row too large alone is set aside in outbox_dead_letters.
   */
  maxRequestBytes: number;
  /** A publish failing on the same rows this often or this long is a stall: counted, then /healthz says degraded. */
  stall: { afterAttempts: number; afterMs: number };
  /**
   * Where the relay reads the outbox: `poll` claims unpublished rows (FOR UPDATE SKIP LOCKED) and
   * marks them published; `wal` streams the outbox's inserts from a logical replication slot and
   * confirms the slot's position after the broker's ack (README: "WAL mode").
   */
  source: 'poll' | 'wal';
  /** wal: the replication slot and the publication (the outbox's inserts), made when missing. */
  slot: string;
  publication: string;
}

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
/** PostgreSQL's rule for slot names, used for the publication too (both go into statements as identifiers). */
const slotName = (fallback: string) => z.string().regex(SLOT_NAME, 'expected 1-63 lower-case letters, digits or underscores').default(fallback);
const AGGREGATE = /^[a-zA-Z][\w.-]{0,99}$/;

/** `RELAY_ROUTES=user=users_created,order=orders`: aggregatetype=topic pairs. */
const routes = (createdTopic: string) =>
  z
    .string()
    .default(`user=${createdTopic}`)
    .transform((s, ctx) => {
      const map = new Map<string, string>();
      for (const pair of s.split(',').map((p) => p.trim()).filter(Boolean)) {
        const [aggregate, topic, extra] = pair.split('=').map((x) => x.trim());
        if (!aggregate || !topic || extra !== undefined || !AGGREGATE.test(aggregate) || !TOPIC.test(topic)) {
          ctx.addIssue({ code: 'custom', message: `expected aggregatetype=topic pairs, e.g. user=users_created (bad: ${JSON.stringify(pair)})` });
          return z.NEVER;
        }
        map.set(aggregate, topic);
      }
      if (map.size === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one aggregatetype=topic pair' });
      return map;
    });

export function loadRelayConfig(env: Env = process.env): RelayConfig {
  const createdTopic = readVar(env, TOPIC_VARS.created, z.string().regex(TOPIC, 'expected a Kafka topic name').default(TOPICS.created));
  return Object.freeze({
    ...loadAppBasics(env, 'relay', 'RELAY', { shutdownTimeoutMs: 20_000 }),
    routes: readVar(env, 'RELAY_ROUTES', routes(createdTopic)),
    batchSize: readVar(env, 'RELAY_BATCH_SIZE', positiveInt(2000)),
    pollIntervalMs: readVar(env, 'RELAY_POLL_INTERVAL_MS', positiveInt(1000)),
    lagReportIntervalMs: readVar(env, 'RELAY_LAG_REPORT_INTERVAL_MS', positiveInt(10_000)),
    outboxRetentionMs: readVar(env, 'RELAY_OUTBOX_RETENTION_MS', nonNegativeInt(86_400_000)),
    outboxPruneIntervalMs: readVar(env, 'RELAY_OUTBOX_PRUNE_INTERVAL_MS', positiveInt(60_000)),
    outboxPruneBatch: readVar(env, 'RELAY_OUTBOX_PRUNE_BATCH', positiveInt(5_000)),
    // Kafka's default max.message.bytes is 1,048,588; below 1 KiB not even one user fits.
    maxRequestBytes: readVar(env, 'RELAY_MAX_REQUEST_BYTES', boundedInt(1_048_576, 1024, 100 * 1_048_576)),
    stall: loadStallBound(env, 'RELAY'),
    source: readVar(env, 'RELAY_SOURCE', oneOf(['poll', 'wal'], 'poll')),
    slot: readVar(env, 'RELAY_SLOT', slotName('streamline_relay')),
    publication: readVar(env, 'RELAY_PUBLICATION', slotName('streamline_outbox')),
  });
}
