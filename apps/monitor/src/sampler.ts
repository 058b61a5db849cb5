// The monitor's loop: every tick it reads the counts, offsets and app metrics, keeps them for
// the charts and derives rates, latency and lag; a slower tick probes the servers, the schema
// registry and Airflow. Each source is read on its own: one that fails leaves its figures empty
// (null) and its message in `errors`, and the others still update.
import type { Admin } from 'kafkajs';
import { registryHeaders, type CassandraClient, type PgPool } from '@streamline/clients';
import { sumSamples } from '@streamline/runtime';
import type { AirflowClient, AirflowState } from './airflow-state.js';
import { mergeInstances } from './app-instances.js';
import { probeApp, type AppProbe } from './app-probe.js';
import { readCassandraNodes, readKafkaCluster, type CassandraNodeState, type KafkaClusterState } from './cluster-state.js';
import { createCounterTally } from './counter-tally.js';
import type { DlqStore } from './dlq-store.js';
import { createHistory, derive, flowView, type Counts, type Derived, type Sample, type StageView } from './flow.js';
import { bucketsOf, type Quantiles } from './histogram-quantile.js';
import { readGroupPositions, readTopicsOffsets, type GroupPositions, type TopicOffsets } from './kafka-state.js';
import { knownPositions, lagView, type LagView } from './lag-view.js';
import { createRegistryReader, type RegistryState } from './registry-state.js';
import { probeServers, type ServerHealth } from './server-health.js';
import { sparkPositions } from './spark-position.js';
import { readOutboxSlots, readStagingCounts, type OutboxSlotState, type StagingCounts } from '@streamline/staging';
import { slotViews, type SlotSample, type SlotView } from './slot-view.js';
import type { StoredTally } from './stored-rounds.js';
import type { MonitorConfig, WatchedApp } from './config.js';

const LATENCY_METRIC = 'streamline_end_to_end_latency_seconds';

export type { LagView } from './lag-view.js';
export type { SlotView } from './slot-view.js';

/** What the page shows, as of the latest tick. */
export interface MonitorState {
  t: number;
  startedAt: number;
  flow: StageView[];
  staging: StagingCounts | null;
  /** The WAL relay's replication slots (none when the relay polls; null: not read). */
  slots: SlotView[] | null;
  topics: TopicOffsets[];
  lag: LagView[];
  latency: Quantiles | null;
  apps: Array<Omit<AppProbe, 'samples'>>;
  servers: ServerHealth[];
  /** The servers as clusters: brokers and nodes up or down, partitions out of sync (null: not read). */
  cluster: { kafka: KafkaClusterState | null; cassandra: CassandraNodeState[] | null };
  registry: RegistryState | null;
  airflow: AirflowState | null;
  dlq: { total: number; byStage: Record<string, number>; following: boolean };
  /** Sources that failed at their last read, with why. */
  errors: Record<string, string>;
  config: { topics: MonitorConfig['topics']; userTable: string; airflowWatched: boolean; sampleIntervalMs: number; rateWindowMs: number; latencyWindowMs: number; lagWindowMs: number; slotLagAlertBytes: number };
}

/** One point of the charts: rates, latency quantiles and lag per group. */
export interface ChartPoint extends Derived {
  lag: Record<string, number | null>;
}

export interface SamplerDeps {
  pg: PgPool;
  admin: Admin;
  cassandra: CassandraClient;
  stored: StoredTally;
  dlq: DlqStore;
  dlqFollowing: () => boolean;
  /** Null: no Airflow to watch (MONITOR_AIRFLOW_URL=none). */
  airflow: AirflowClient | null;
  config: MonitorConfig;
  now?: () => number;
}

export interface Sampler {
  tick(): Promise<void>;
  slowTick(): Promise<void>;
  state(): MonitorState;
  points(): readonly ChartPoint[];
  /** The Spark job's latest position on the created topic (for "find a user"). */
  sparkPosition(): Record<string, { position: number }> | null;
  /** The replication slots as of the latest tick (for the monitor's metrics; null: not read). */
  slots(): SlotView[] | null;
}

export function createSampler(deps: SamplerDeps): Sampler {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const history = createHistory<Sample>(config.historyMs);
  const points = createHistory<ChartPoint>(config.historyMs);
  const slotHistory = createHistory<SlotSample>(config.historyMs);
  const rejected = createCounterTally(startedAt);
  const errors: Record<string, string> = {};
  let staging: StagingCounts | null = null;
  let slots: OutboxSlotState[] | null = null;
  let topics: TopicOffsets[] = [];
  let groups: GroupPositions[] = [];
  let apps: AppProbe[] = [];
  let servers: ServerHealth[] = [];
  let cluster: MonitorState['cluster'] = { kafka: null, cassandra: null };
  let registry: RegistryState | null = null;
  let airflow: AirflowState | null = null;
  let derived: Derived | null = null;

  /** Runs one source's read; a failure is noted under its name and yields `fallback`. */
  async function read<T>(source: string, run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const value = await run();
      delete errors[source];
      return value;
    } catch (error) {
      errors[source] = error instanceof Error ? error.message : String(error);
      return fallback;
    }
  }

  const appNames = Object.keys(config.appUrls) as WatchedApp[];

  async function tick(): Promise<void> {
    const t = now();
    const { created, processed, dlq } = config.topics;
    const missing = (topic: string): TopicOffsets => ({ topic, partitions: null, messages: null, retained: null });
    const [stagingNow, slotsNow, offsets, stored, probes] = await Promise.all([
      read('postgres', () => readStagingCounts(deps.pg), null),
      read('replication slots', () => readOutboxSlots(deps.pg), null),
      read('kafka', () => readTopicsOffsets(deps.admin, [created, processed, dlq]), [created, processed, dlq].map(missing)),
      read('cassandra', () => deps.stored.read(), null),
      Promise.all(appNames.flatMap((app) => config.appUrls[app].map((url) => probeApp(app, url, { metrics: true })))),
    ]);
    const [createdOffsets, processedOffsets] = offsets as [TopicOffsets, TopicOffsets, TopicOffsets];
    const byApp = mergeInstances(probes);
    const writerGroup = await read('writer group', () => readGroupPositions(deps.admin, config.writerGroupId, processedOffsets), null);
    // The job's position as its launcher serves it (this tick's probe of it).
    const sparkGroup = sparkPositions(byApp.get('spark-launcher'), config.spark.appName, createdOffsets);
    staging = stagingNow;
    slots = slotsNow;
    if (slotsNow) slotHistory.push({ t, slots: Object.fromEntries(slotsNow.map((s) => [s.slot, s.lagBytes])) });
    topics = offsets;
    groups = [sparkGroup, writerGroup].filter((g): g is GroupPositions => g !== null);
    apps = probes;

    const ingestor = byApp.get('ingestor');
    if (ingestor?.process) rejected.observe(sumSamples(ingestor.samples, 'streamline_records_out_total', { stage: 'ingest', outcome: 'rejected' }), ingestor.process.startedAt);
    const writer = byApp.get('cassandra-writer');
    const writerUp = writer !== undefined && writer.samples.length > 0;
    const dlqCounts = deps.dlq.counts();
    const dlqKnown = deps.dlqFollowing() || dlqCounts.total > 0;
    const stagedAll = stagingNow?.staged ?? null;
    const counts: Counts = {
      fetched: stagedAll === null ? null : stagedAll + (stagingNow?.refetched ?? 0),
      staged: stagedAll,
      refetched: stagingNow?.refetched ?? null,
      ingestRejected: rejected.total(),
      unpublished: stagingNow?.unpublished ?? null,
      outboxDeadLetters: stagingNow?.outboxDeadLetters ?? null,
      published: createdOffsets.messages,
      processed: processedOffsets.messages,
      dlqSpark: dlqKnown ? (dlqCounts.byStage.spark ?? 0) : null,
      dlqWriter: dlqKnown ? (dlqCounts.byStage['cassandra-writer'] ?? 0) : null,
      dlqOther: dlqKnown ? dlqCounts.total - (dlqCounts.byStage.spark ?? 0) - (dlqCounts.byStage['cassandra-writer'] ?? 0) : null,
      stored,
      writerDuplicates: writerUp ? sumSamples(writer.samples, 'streamline_records_out_total', { stage: 'write', outcome: 'duplicate' }) : null,
    };
    const latencyBuckets = writerUp ? bucketsOf(writer.samples, LATENCY_METRIC) : [];
    history.push({
      t,
      counts,
      // A position not known is no sample: the lag's pace is taken from known ones only.
      groups: knownPositions(groups),
      latencyBuckets: latencyBuckets.length > 0 ? latencyBuckets : null,
      writerStartedAt: writer?.process ? writer.process.startedAt * 1000 : null,
    });
    derived = derive(history.all(), { rateMs: config.rateWindowMs, latencyMs: config.latencyWindowMs });
    if (derived) points.push({ ...derived, lag: Object.fromEntries(lagViews().map((l) => [l.group, l.lag?.total ?? null])) });
  }

  const slotsView = (): SlotView[] | null => (slots === null ? null : slotViews(slots, slotHistory.all(), config.lagWindowMs, config.slotLagAlertBytes));

  function lagViews(): LagView[] {
    const all = history.all();
    return groups.map((g) => lagView(g, all, config.lagWindowMs));
  }

  const registryReader = createRegistryReader(config.connections.registry.url, [`${config.topics.created}-value`, `${config.topics.processed}-value`], {
    headers: registryHeaders(config.connections.registry),
  });

  async function slowTick(): Promise<void> {
    const { created, processed, dlq } = config.topics;
    const [serversNow, kafkaCluster, registryNow, airflowNow] = await Promise.all([
      probeServers({
        pg: deps.pg,
        admin: deps.admin,
        cassandra: deps.cassandra,
        registryUrl: config.connections.registry.url,
        registryHeaders: registryHeaders(config.connections.registry),
        sparkMasterUiUrl: config.connections.spark.masterUiUrl,
        airflowUrl: config.airflow?.url,
      }),
      read('kafka cluster', () => readKafkaCluster(deps.admin, config.connections.kafka.brokers, [created, processed, dlq]), null),
      read('schema registry', () => registryReader.read(), registry),
      deps.airflow ? read('airflow api', () => deps.airflow!.read(), airflow) : Promise.resolve(null),
    ]);
    servers = serversNow;
    // The driver's view, kept current by the cluster's own up/down events.
    cluster = { kafka: kafkaCluster, cassandra: readCassandraNodes(deps.cassandra) };
    registry = registryNow;
    airflow = airflowNow;
  }

  return {
    tick,
    slowTick,
    points: () => points.all(),
    slots: slotsView,
    sparkPosition: () => {
      const spark = groups.find((g) => g.kind === 'spark checkpoint');
      return spark && spark.unknown === undefined ? spark.partitions : null;
    },
    state: () => {
      const dlqCounts = deps.dlq.counts();
      return {
        t: history.latest()?.t ?? startedAt,
        startedAt,
        flow: flowView(history.latest(), derived),
        staging,
        slots: slotsView(),
        topics,
        lag: lagViews(),
        latency: derived?.latency ?? null,
        apps: apps.map(({ samples: _samples, ...rest }) => rest),
        servers,
        cluster,
        registry,
        airflow,
        dlq: { ...dlqCounts, following: deps.dlqFollowing() },
        errors: { ...errors },
        config: {
          topics: config.topics,
          userTable: `${config.userTable.keyspace}.${config.userTable.table}`,
          airflowWatched: deps.airflow !== null,
          sampleIntervalMs: config.sampleIntervalMs,
          rateWindowMs: config.rateWindowMs,
          latencyWindowMs: config.latencyWindowMs,
          lagWindowMs: config.lagWindowMs,
          slotLagAlertBytes: config.slotLagAlertBytes,
        },
      };
    },
  };
}
