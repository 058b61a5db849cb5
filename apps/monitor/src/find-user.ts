// "Where is this user?": one record followed across PostgreSQL staging, Kafka, the Spark job's
// position, Cassandra and the DLQ. Every statement is parameterized; the query text is never
// written into SQL or CQL.
import type { Admin } from 'kafkajs';
import { cassandra, type CassandraClient, type PgPool } from '@streamline/clients';
import { stagedIdsByEmail, traceStagedUser } from '@streamline/staging';
import { fromRow, selectUsersCql, daysToIsoDate } from '@streamline/user-table';
import type { DeadLetter, DlqStore } from './dlq-store.js';
import { partitionOf } from './partition-of.js';
import { InvalidQueryError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_MATCHES = 10;

export type UserWhere = 'stored' | 'dlq' | 'in flight' | 'waiting in the outbox' | 'set aside in the outbox' | 'not found';

/** The furthest stage reached: stored, else dead-lettered, else where it waits. */
export function whereOf(seen: { stored: boolean; dlq: boolean; setAside: boolean; outbox: { publishedAt: Date | null } | null; staged: boolean }): UserWhere {
  if (seen.stored) return 'stored';
  if (seen.dlq) return 'dlq';
  if (seen.setAside) return 'set aside in the outbox';
  if (seen.outbox && !seen.outbox.publishedAt) return 'waiting in the outbox';
  // Published, or staged with its outbox row pruned by retention after publishing: on its way.
  if (seen.outbox || seen.staged) return 'in flight';
  return 'not found';
}

export interface UserTrace {
  id: string;
  /** The furthest stage the record reached (a DLQ entry wins over "in flight"). */
  where: UserWhere;
  staged: { at: string; email: string; name: string; source: string; ingestRunId: string; fetchedAgainBy: string[] } | null;
  outbox: { seq: string; createdAt: string; publishedAt: string | null } | null;
  outboxDeadLetter: { reason: string; setAsideAt: string } | null;
  /**
   * Where the message sits in the created topic: the partition from its key, the offsets from the
   * broker's time index between staging and the relay's ack (exact when that leaves one offset).
   */
  published: { topic: string; partition: number; offset: number | null; offsetRange: [number, number] | null; readBySpark: boolean | null } | null;
  processed: { at: string } | null;
  stored: Record<string, string | number | null> | null;
  /**
   * The user's four clock readings (ISO, null when not reached or not recorded): staged (PostgreSQL),
   * published (the broker's append time on the created topic, carried by the Spark job), processed
   * (Spark), stored (the writer). Once stored, all four come from its row, in one precision (ms),
   * so staged <= published <= processed <= stored.
   */
  times: { staged: string | null; published: string | null; processed: string | null; stored: string | null };
  deadLetters: DeadLetter[];
}

export interface FindResult {
  query: string;
  by: 'id' | 'email';
  matches: UserTrace[];
  /** More users had that e-mail than are shown. */
  truncated: boolean;
}

export interface FindDeps {
  pg: PgPool;
  admin: Pick<Admin, 'fetchTopicOffsetsByTimestamp' | 'fetchTopicOffsets'>;
  cassandra: Pick<CassandraClient, 'execute'>;
  dlq: DlqStore;
  createdTopic: string;
  userTable: { keyspace: string; table: string };
  /** The Spark job's position on the created topic, partition -> next offset (null: unknown). */
  sparkPosition: () => Record<string, { position: number }> | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function displayRow(row: cassandra.types.Row): Record<string, string | number | null> {
  const user = fromRow(row);
  const ms = (v: number) => (v ? new Date(v).toISOString() : null);
  return {
    ...user,
    dob: daysToIsoDate(user.dob),
    registered_date: ms(user.registered_date),
    staged_at: ms(user.staged_at),
    published_at: ms(user.published_at),
    processed_at: ms(user.processed_at),
    stored_at: ms(user.stored_at),
    latency_ms: user.stored_at && user.staged_at ? user.stored_at - user.staged_at : null,
  };
}

const text = (v: string | number | null | undefined) => (typeof v === 'string' ? v : null);

/** The hop times: from the stored row when there is one (published_at null in rows stored before it was carried), else staging's. */
export function timesOf(stagedAt: Date | undefined, stored: Record<string, string | number | null> | null): UserTrace['times'] {
  if (!stored) return { staged: iso(stagedAt), published: null, processed: null, stored: null };
  return { staged: text(stored.staged_at), published: text(stored.published_at), processed: text(stored.processed_at), stored: text(stored.stored_at) };
}

/** The first offset at or after `ms` on `partition` (the end when none is). */
async function offsetAt(admin: FindDeps['admin'], topic: string, partition: number, ms: number, ends: Map<number, number>): Promise<number> {
  const found = (await admin.fetchTopicOffsetsByTimestamp(topic, ms)).find((o) => o.partition === partition);
  const offset = found ? Number(found.offset) : -1;
  return offset >= 0 ? offset : (ends.get(partition) ?? 0);
}

async function trace(deps: FindDeps, id: string): Promise<UserTrace> {
  const { staged, refetchedBy, outbox, deadLetter: dead } = await traceStagedUser(deps.pg, id);

  let published: UserTrace['published'] = null;
  if (outbox?.publishedAt) {
    const ends = await deps.admin.fetchTopicOffsets(deps.createdTopic).catch(() => []);
    if (ends.length > 0) {
      const partition = partitionOf(id, ends.length);
      const endOf = new Map(ends.map((e) => [e.partition, Number(e.high)]));
      // The producer stamps the message between staging (created_at) and the broker's ack (published_at).
      const from = await offsetAt(deps.admin, deps.createdTopic, partition, outbox.createdAt.getTime(), endOf);
      const to = await offsetAt(deps.admin, deps.createdTopic, partition, outbox.publishedAt.getTime() + 1, endOf);
      const spark = deps.sparkPosition()?.[partition]?.position;
      published = {
        topic: deps.createdTopic,
        partition,
        offset: to - from === 1 ? from : null,
        offsetRange: to > from ? [from, to - 1] : null,
        readBySpark: spark === undefined ? null : spark >= to,
      };
    }
  }

  const { keyspace, table } = deps.userTable;
  let storedRow: cassandra.types.Row | undefined;
  try {
    storedRow = (await deps.cassandra.execute(`${selectUsersCql(keyspace, table)} WHERE id = ?`, [cassandra.types.Uuid.fromString(id)], { prepare: true })).first() ?? undefined;
  } catch (error) {
    if (!/unconfigured table|does not exist/i.test((error as Error).message)) throw error;
  }
  const stored = storedRow ? displayRow(storedRow) : null;
  const deadLetters = deps.dlq.find(id);

  const where = whereOf({ stored: stored !== null, dlq: deadLetters.length > 0, setAside: dead !== null, outbox, staged: staged !== null });

  return {
    id,
    where,
    staged: staged
      ? {
          at: staged.stagedAt.toISOString(),
          email: staged.email,
          name: `${staged.firstName} ${staged.lastName}`,
          source: staged.source,
          ingestRunId: staged.ingestRunId,
          fetchedAgainBy: refetchedBy,
        }
      : null,
    outbox: outbox ? { seq: outbox.seq, createdAt: outbox.createdAt.toISOString(), publishedAt: iso(outbox.publishedAt) } : null,
    outboxDeadLetter: dead ? { reason: dead.reason, setAsideAt: dead.setAsideAt.toISOString() } : null,
    published,
    processed: stored?.processed_at ? { at: String(stored.processed_at) } : null,
    stored,
    times: timesOf(staged?.stagedAt, stored),
    deadLetters,
  };
}

/** Finds users by id (login.uuid) or e-mail and traces each; a query that is neither is refused. */
export async function findUser(deps: FindDeps, query: string): Promise<FindResult> {
  const q = query.trim();
  if (UUID.test(q)) return { query: q, by: 'id', matches: [await trace(deps, q.toLowerCase())], truncated: false };
  if (!/^[^\s@]+@[^\s@]+$/.test(q)) throw new InvalidQueryError(`"${q.slice(0, 100)}" is neither a user id (a uuid) nor an e-mail address`);
  const ids = new Set(await stagedIdsByEmail(deps.pg, q, MAX_MATCHES + 1));
  // Dead letters that never reached staging (a record written elsewhere) are found by their payload.
  for (const d of deps.dlq.find(q)) {
    const id = d.payload.kind === 'record' && typeof d.payload.record.id === 'string' ? d.payload.record.id : d.key;
    if (id && UUID.test(id)) ids.add(id.toLowerCase());
  }
  const chosen = [...ids].slice(0, MAX_MATCHES);
  return { query: q, by: 'email', matches: await Promise.all(chosen.map((id) => trace(deps, id))), truncated: ids.size > MAX_MATCHES };
}
