import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runAppToEnd, startApp, stopApp, type AppProcess } from '@streamline/app-runner';
import { connectAdmin, connectConsumer, createKafka, createPgPool, type PgPool } from '@streamline/clients';
import { ensureTopics } from '@streamline/provisioning';
import { pruneOutbox, replayStagedUsers, stageUsers, UNPUBLISHED_WHERE } from '@streamline/staging';
import { fetchHealth, itForStack, localStack, scrapeMetric, testConnections, uniqueName, waitFor, waitForStall } from '@streamline/testing';
import { provisionForTest } from '@streamline/provisioning/testing';
import { mapApiUser, type UserSource } from '@streamline/user-schema';

import { apiUsers, createStagingDatabase, topicMessages as topicMessagesIn } from './support.js';

const config = testConnections();
const logDir = join(repoRoot, '.stack', 'logs', 'it', uniqueName('relay-wal'));
const kafka = createKafka(config.kafka);
const topicMessages = (topic: string) => topicMessagesIn(kafka, topic);

/** Every message of a topic: key, event id header, in partition order. */
async function consumeAll(topic: string, expected: number): Promise<Array<{ key: string; id: string; partition: number; offset: bigint }>> {
  const seen: Array<{ key: string; id: string; partition: number; offset: bigint }> = [];
  const consumer = await connectConsumer(kafka, { groupId: uniqueName('it_wal_check') });
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => void seen.push({ key: message.key!.toString(), id: message.headers!.id!.toString(), partition, offset: BigInt(message.offset) }),
  });
  await waitFor(() => seen.length >= expected, { timeoutMs: 120_000, what: `${expected} messages consumed from ${topic}` });
  await consumer.disconnect();
  return seen;
}

/**
 * RELAY_SOURCE=wal on the real servers: each test has its own staging database, topic, slot and
 * publication; the slot is dropped at the end (a database with a logical slot cannot be dropped).
 */
describe('relay RELAY_SOURCE=wal (real PostgreSQL with wal_level=logical, Kafka, registry)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(name: string) {
    const database = uniqueName(`it_wal_${name}`);
    const staging = await createStagingDatabase(config.pg, database);
    const slot = uniqueName(`it_wal_slot_${name}`);
    const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
    cleanups.push(async () => {
      // The slot goes before its database; whatever the test left of it.
      await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active', [slot]).catch(() => undefined);
      await admin.end();
      await staging.drop();
    });
    const topic = uniqueName(`it_wal_topic_${name}`);
    await provisionForTest(config, { created: topic });
    const env = (extra: Record<string, string> = {}) => ({ PG_DATABASE: database, TOPIC_USERS_CREATED: topic, RELAY_SOURCE: 'wal', RELAY_SLOT: slot, RELAY_PUBLICATION: `${slot}_pub`, LOG_LEVEL: 'info', ...extra });
    const relay = (args: string[], extra: Record<string, string> = {}): Promise<AppProcess> => startApp('relay', { logDir, args, env: env(extra) });
    const slotRow = async () =>
      (await admin.query<{ confirmed: string | null; active: boolean }>('SELECT confirmed_flush_lsn::text AS confirmed, active FROM pg_replication_slots WHERE slot_name = $1', [slot])).rows[0];
    return { pool: staging.pool, slot, topic, env, relay, slotRow, admin };
  }

  const count = async (pool: PgPool, sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
  const lsnGreater = async (pool: PgPool, a: string, b: string) => (await pool.query<{ gt: boolean }>('SELECT $1::pg_lsn > $2::pg_lsn AS gt', [a, b])).rows[0]!.gt;

  it('publishes every staged user once, in order per key, marks no row, and moves the slot\'s confirmed position', async () => {
    const { pool, slot, topic, relay, slotRow, env } = await setup('order');
    // Staged before the slot existed: published once from the table (the catch-up), then the stream.
    await stageUsers(pool, apiUsers(100, 'wal-before', 'before'));
    expect(await (await relay(['--once'])).exited).toBe(0);
    expect(await topicMessages(topic)).toBe(100);
    const first = (await slotRow())!;
    expect(first.confirmed).not.toBeNull();

    for (let i = 0; i < 4; i++) await stageUsers(pool, apiUsers(100, `wal-after-${i}`, `after${i}`));
    // The same users again as new events: each key then has two events, to be kept in order.
    const replayed = await replayStagedUsers(pool, { runId: 'wal-after-0' }, (u) => mapApiUser(u.raw, { source: u.source as UserSource, ingestRunId: u.ingestRunId }), { batchSize: 50 });
    expect(replayed).toBe(100);
    const total = await count(pool, 'SELECT count(*) AS n FROM outbox');
    expect(total).toBe(600);

    expect(await (await relay(['--once'])).exited).toBe(0);
    const messages = await consumeAll(topic, total);
    expect(messages).toHaveLength(total);
    // Once each: every outbox event id exactly once.
    const { rows: events } = await pool.query<{ id: string; aggregateid: string; seq: string }>('SELECT id::text AS id, aggregateid, seq FROM outbox ORDER BY seq');
    expect(messages.map((m) => m.id).sort()).toEqual(events.map((e) => e.id).sort());
    // In order per key: a key's events arrive in outbox order (one key is one partition).
    const byKeyInTopic = new Map<string, string[]>();
    for (const m of [...messages].sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : 1))) byKeyInTopic.set(m.key, [...(byKeyInTopic.get(m.key) ?? []), m.id]);
    const byKeyInOutbox = new Map<string, string[]>();
    for (const e of events) byKeyInOutbox.set(e.aggregateid, [...(byKeyInOutbox.get(e.aggregateid) ?? []), e.id]);
    expect(byKeyInTopic).toEqual(byKeyInOutbox);

    // The relay marked no row: published is what the slot's recorded position covers.
    expect(await count(pool, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NOT NULL AND seq > 100')).toBe(0);
    const position = (await pool.query<{ confirmed_seq: string; confirmed_lsn: string; caught_up: boolean }>('SELECT confirmed_seq, confirmed_lsn::text, caught_up FROM outbox_wal_positions WHERE slot = $1', [slot])).rows[0]!;
    expect(position.confirmed_seq).toBe(events[events.length - 1]!.seq);
    expect(position.caught_up).toBe(true);
    const after = (await slotRow())!;
    expect(await lsnGreater(pool, after.confirmed!, first.confirmed!)).toBe(true);
    expect(await lsnGreater(pool, after.confirmed!, position.confirmed_lsn) || after.confirmed === position.confirmed_lsn).toBe(true);

    const lag = runAppToEnd('relay', ['--lag'], { env: env({ LOG_LEVEL: 'warn' }) });
    expect(lag.status, lag.stderr).toBe(0);
    expect(JSON.parse(lag.stdout)).toMatchObject({ unpublished: 0, oldestAgeMs: null, slot: { slot, lagBytes: expect.any(Number), confirmedLsn: after.confirmed, active: false } });

    // Retention (what the relay's pass runs): rows at or below the confirmed seq go, a row past it stays.
    await pool.query(`INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at) VALUES ($1, 'user', 'x', 'UserCreated', '{}', now() - interval '30 days')`, [randomUUID()]);
    expect(await pruneOutbox(pool, 0, 10_000)).toBe(total);
    expect(await count(pool, 'SELECT count(*) AS n FROM outbox')).toBe(1);
    expect(JSON.parse(runAppToEnd('relay', ['--lag'], { env: env({ LOG_LEVEL: 'warn' }) }).stdout)).toMatchObject({ unpublished: 1 });
  });

  it('SIGKILLed mid-run and restarted: every user on the topic, duplicates only after the last recorded position', async () => {
    const { pool, slot, topic, relay } = await setup('kill');
    expect(await (await relay(['--once'])).exited).toBe(0); // makes the slot on an empty outbox
    const txnSize = 100;
    const batchSize = 100;
    const n = 5000;
    for (let i = 0; i < n / txnSize; i++) await stageUsers(pool, apiUsers(txnSize, `wal-kill-${i}`, `kill${i}_`));
    const confirmedSeq = async () => Number((await pool.query<{ s: string | null }>('SELECT max(confirmed_seq) AS s FROM outbox_wal_positions WHERE slot = $1', [slot])).rows[0]!.s ?? 0);

    const victim = await relay([], { RELAY_BATCH_SIZE: String(batchSize) });
    await waitFor(async () => (await confirmedSeq()) > 0, { timeoutMs: 60_000, intervalMs: 50, what: 'first WAL batches confirmed' });
    victim.child.kill('SIGKILL');
    await victim.exited;
    const atKill = await confirmedSeq();
    const sentBeforeKill = await topicMessages(topic);
    expect(sentBeforeKill).toBeLessThan(n); // killed mid-run

    const again = await relay(['--once'], { RELAY_BATCH_SIZE: String(batchSize) });
    expect(await again.exited).toBe(0);
    const total = await topicMessages(topic);
    const messages = await consumeAll(topic, total);
    const { rows } = await pool.query<{ id: string; seq: string }>('SELECT id::text AS id, seq FROM outbox');
    const seqOf = new Map(rows.map((r) => [r.id, Number(r.seq)]));
    // None lost.
    expect(new Set(messages.map((m) => m.id)).size).toBe(n);
    // Duplicates: only rows past what was recorded at the kill, less the open transaction's rows
    // already counted in it (the stream resumes at that transaction's start), and at most a batch
    // in flight plus a transaction.
    const counts = new Map<string, number>();
    for (const m of messages) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
    const duplicated = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
    expect(total - n).toBe(duplicated.reduce((sum, id) => sum + counts.get(id)! - 1, 0));
    expect(total - n).toBeLessThanOrEqual(batchSize + txnSize);
    for (const id of duplicated) expect(seqOf.get(id)!).toBeGreaterThan(atKill - txnSize);
  });

  it('sets aside a poison row and an unroutable one, publishes the rows around them, and a requeued row flows through the stream', async () => {
    const { pool, topic, relay } = await setup('poison');
    expect(await (await relay(['--once'])).exited).toBe(0);
    await stageUsers(pool, apiUsers(100, 'wal-poison-before', 'pb'));
    const badId = randomUUID();
    const badSeq = (
      await pool.query<{ seq: string }>(
        `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
         SELECT $1, 'user', (payload->>'id'), 'UserCreated', jsonb_set(payload, '{email}', '42') FROM outbox ORDER BY seq LIMIT 1 RETURNING seq`,
        [badId],
      )
    ).rows[0]!.seq;
    const orderSeq = (await pool.query<{ seq: string }>(`INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES ($1, 'order', 'o-1', 'OrderPlaced', '{}') RETURNING seq`, [randomUUID()])).rows[0]!.seq;
    await stageUsers(pool, apiUsers(100, 'wal-poison-after', 'pa'));

    expect(await (await relay(['--once'])).exited).toBe(0);
    expect(await topicMessages(topic)).toBe(200);
    const dead = (await pool.query<{ seq: string; reason: string; payload: { email: unknown } }>('SELECT seq, reason, payload FROM outbox_dead_letters ORDER BY seq')).rows;
    expect(dead.map((d) => d.seq)).toEqual([badSeq, orderSeq]);
    expect(dead[0]!.reason).toMatch(new RegExp(`^outbox row seq ${badSeq} \\(id ${badId}\\) payload does not fit ${topic}-value \\(schema id \\d+\\): email: 42 is not string$`));
    expect(dead[0]!.payload.email).toBe(42); // the streamed tuple, as written
    expect(dead[1]!.reason).toBe(`outbox row seq ${orderSeq} has aggregatetype "order", which RELAY_ROUTES does not route (routed: user)`);
    expect(await count(pool, `SELECT count(*) AS n FROM outbox WHERE seq IN (${badSeq}, ${orderSeq})`)).toBe(0);

    // Mended and requeued: the insert back into the outbox is in the stream like any.
    await pool.query(`UPDATE outbox_dead_letters SET payload = jsonb_set(payload, '{email}', '"fixed@example.com"') WHERE seq = $1`, [badSeq]);
    await pool.query('DELETE FROM outbox_dead_letters WHERE seq = $1', [orderSeq]);
    const requeue = runAppToEnd('relay', ['--requeue-dead-letters'], { env: { PG_DATABASE: (await pool.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d, LOG_LEVEL: 'warn' } });
    expect(JSON.parse(requeue.stdout)).toEqual({ requeued: 1 });
    expect(await (await relay(['--once'])).exited).toBe(0);
    expect(await topicMessages(topic)).toBe(201);
    expect(await count(pool, 'SELECT count(*) AS n FROM outbox_dead_letters')).toBe(0);
  });

  it('streams TOASTed payloads whole: a 200 KB user is published, a 3 MB one set aside with its streamed payload', async () => {
    const { pool, topic, relay } = await setup('toast');
    expect(await (await relay(['--once'])).exited).toBe(0);
    await stageUsers(pool, apiUsers(10, 'wal-toast', 'toast'));
    // Random hex (stored out of line, compressed little) and a long run of one letter (compressed inline).
    const wide = async (expr: string) =>
      (
        await pool.query<{ seq: string; len: number }>(
          `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
           SELECT gen_random_uuid(), 'user', u.id, 'UserCreated', jsonb_set(jsonb_set(o.payload, '{first_name}', to_jsonb(${expr})), '{id}', to_jsonb(u.id))
           FROM (SELECT payload FROM outbox ORDER BY seq LIMIT 1) o, (SELECT gen_random_uuid()::text AS id) u
           RETURNING seq, length(payload::text) AS len`,
        )
      ).rows[0]!;
    const medium = await wide(`(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 6400))`);
    const big = await wide(`repeat('w', 3000000)`);
    expect(medium.len).toBeGreaterThan(200_000);
    expect(await (await relay(['--once'])).exited).toBe(0);
    expect(await topicMessages(topic)).toBe(11);
    const messages = await consumeAll(topic, 11);
    const { rows: ids } = await pool.query<{ id: string }>('SELECT id::text AS id FROM outbox WHERE seq = $1', [medium.seq]);
    expect(messages.map((m) => m.id)).toContain(ids[0]!.id);
    const dead = (await pool.query<{ seq: string; reason: string; len: number }>('SELECT seq, reason, length(payload::text) AS len FROM outbox_dead_letters')).rows;
    expect(dead).toEqual([{ seq: big.seq, reason: expect.stringMatching(/bytes as a produce request, over the limit of \d+: too large for /), len: big.len }]);
  });

  it('a publish that keeps failing is a stall in /healthz, holding the slot where it is; once mended every held row goes through once', async () => {
    const { pool, topic, relay: start, slotRow } = await setup('stall');
    expect(await (await start(['--once'])).exited).toBe(0);
    const relay = await start([], { RELAY_STALL_AFTER_ATTEMPTS: '2', RELAY_LAG_REPORT_INTERVAL_MS: '200' });
    const admin = await connectAdmin(kafka);
    const unpublished = () => count(pool, `SELECT count(*) AS n FROM outbox WHERE ${UNPUBLISHED_WHERE}`);
    try {
      await stageUsers(pool, apiUsers(100, 'wal-stall-before', 'sb'));
      await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 60_000, what: 'the first 100 published' });
      // No topic: every produce is refused (the broker creates none by itself).
      await admin.deleteTopics({ topics: [topic] });
      await stageUsers(pool, apiUsers(200, 'wal-stall-during', 'sd'));
      const firstHeld = (await pool.query<{ seq: string }>('SELECT min(seq)::text AS seq FROM outbox WHERE seq > (SELECT max(confirmed_seq) FROM outbox_wal_positions)')).rows[0]!.seq;
      const confirmedBefore = (await slotRow())!.confirmed;
      const health = await waitForStall(relay.endpoint, 'outbox');
      expect(health.status).toBe(503);
      expect((health.body.stalls as Record<string, { at: string }>).outbox).toMatchObject({ at: `seq ${firstHeld}` });
      expect(await unpublished()).toBe(200);
      expect((await slotRow())!.confirmed).toBe(confirmedBefore);
      expect(await scrapeMetric(relay.endpoint, 'streamline_errors_total', { stage: 'relay', kind: 'retry' })).toBeGreaterThanOrEqual(2);
      // The held rows' WAL is past the slot's confirmed position: the gauge shows the slot behind.
      await waitFor(async () => (await scrapeMetric(relay.endpoint, 'streamline_relay_slot_lag_bytes')) > 0, { timeoutMs: 30_000, what: 'streamline_relay_slot_lag_bytes above 0' });
      await waitFor(async () => (await scrapeMetric(relay.endpoint, 'streamline_outbox_unpublished_records')) === 200, { timeoutMs: 30_000, what: 'streamline_outbox_unpublished_records at 200' });

      await waitFor(async () => !(await admin.listTopics()).includes(topic), { timeoutMs: 60_000, what: 'the topic gone' });
      await ensureTopics(admin, [{ topic }]);
      await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 120_000, intervalMs: 500, what: 'the held rows published' });
      await waitFor(async () => (await fetchHealth(relay.endpoint)).body.status === 'ready', { timeoutMs: 30_000, what: '/healthz ready again' });
    } finally {
      await stopApp(relay);
      await admin.disconnect();
    }
    expect(await relay.exited).toBe(0);
    expect(await topicMessages(topic)).toBe(200);
  });

  it('--drop-slot drops the slot in one line, and says so when there is none', async () => {
    const { slot, relay, slotRow, env } = await setup('drop');
    expect(await (await relay(['--once'])).exited).toBe(0);
    expect(await slotRow()).toBeDefined();
    const drop = runAppToEnd('relay', ['--drop-slot'], { env: env({ LOG_LEVEL: 'warn' }) });
    expect(drop.status, drop.stderr).toBe(0);
    expect(drop.stdout.trim().split('\n')).toEqual([JSON.stringify({ slot, dropped: true })]);
    expect(await slotRow()).toBeUndefined();
    const again = runAppToEnd('relay', ['--drop-slot'], { env: env({ LOG_LEVEL: 'warn' }) });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ slot, dropped: false });
  });

  // Stops the stack's PostgreSQL: only where this run owns it (the local stack).
  itForStack(['local'], 'rides out a PostgreSQL restart mid-stream: reconnects from the recorded position, every user on the topic', "it stops and starts the local stack's PostgreSQL", {}, async () => {
    const { pool, slot, topic, relay: start, admin } = await setup('pg');
    expect(await (await start(['--once'])).exited).toBe(0);
    const n = 20_000;
    for (let i = 0; i < n / 500; i++) await stageUsers(pool, apiUsers(500, `wal-pg-${i}`, `pg${i}_`));
    const relay = await start([], { RELAY_BATCH_SIZE: '50', RELAY_RETRY_MAX_DELAY_MS: '2000', RELAY_LAG_REPORT_INTERVAL_MS: '500' });
    const confirmedSeq = async () => Number((await pool.query<{ s: string | null }>('SELECT max(confirmed_seq) AS s FROM outbox_wal_positions WHERE slot = $1', [slot])).rows[0]!.s ?? 0);
    try {
      await waitFor(async () => (await confirmedSeq()) > 0, { timeoutMs: 60_000, what: 'first WAL batches confirmed' });
      localStack('down', ['postgres']);
      await waitFor(async () => (await fetchHealth(relay.endpoint)).status === 503, { timeoutMs: 30_000, what: 'the relay reporting PostgreSQL down on /healthz' });
      localStack('up', ['postgres']);
      await pool.query('SELECT 1').catch(() => undefined);
      await admin.query('SELECT 1').catch(() => undefined);
      const lastSeq = Number((await pool.query<{ s: string }>('SELECT max(seq) AS s FROM outbox')).rows[0]!.s);
      await waitFor(async () => (await confirmedSeq()) === lastSeq, { timeoutMs: 180_000, intervalMs: 500, what: 'every row confirmed after the restart' });
      expect(relay.child.exitCode).toBeNull();
      await waitFor(async () => (await fetchHealth(relay.endpoint)).status === 200, { timeoutMs: 30_000, what: 'the relay ready again' });
      expect(await scrapeMetric(relay.endpoint, 'streamline_relay_slot_lag_bytes')).toBeGreaterThanOrEqual(0);
    } finally {
      await stopApp(relay);
      localStack('up');
    }
    const messages = await consumeAll(topic, n);
    expect(new Set(messages.map((m) => m.key)).size).toBe(n);
  });
});
