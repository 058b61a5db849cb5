import { join, resolve } from 'node:path';
import { z } from 'zod';
import { JOB_OPTIONS } from '@streamline/spark-job-contract';
import {
  APP_HTTP_PORT_VARS,
  APP_HTTP_PORTS,
  type AppBasics,
  boundedInt,
  type Env,
  flagReader,
  hostName,
  loadAppBasics,
  loadStackLayout,
  loadUserTable,
  port,
  portOrZero,
  readVar,
  simpleName,
  text,
  topicName,
  TOPIC_VARS,
  TOPICS,
  url,
} from '@streamline/config';
import { loadMonitorAccess, type MonitorAccess } from './access-config.js';

/** The apps the monitor watches through their /healthz and /metrics. */
export const WATCHED_APPS = ['ingestor', 'relay', 'spark-launcher', 'cassandra-writer'] as const;
export type WatchedApp = (typeof WATCHED_APPS)[number];

export interface MonitorFlags {
  port?: string | number;
}

export interface MonitorConfig extends AppBasics {
  topics: { created: string; processed: string; dlq: string };
  /** The users table (and its `<table>_rounds`). */
  userTable: { keyspace: string; table: string };
  /** The writer's consumer group (WRITER_GROUP_ID, as the writer reads it). */
  writerGroupId: string;
  /** The Spark job: its app name names it in the lag table (its position comes from its launcher's /healthz). */
  spark: { appName: string };
  /** Base URLs of each app's endpoints, one per instance (a cluster runs two relays, two writers). */
  appUrls: Readonly<Record<WatchedApp, readonly string[]>>;
  /** Null when MONITOR_AIRFLOW_URL=none: a stack without Airflow (compose, for now). */
  airflow: { url: string; username: string; password: string | undefined; passwordFile: string } | null;
  /** How often the counts, offsets and metrics are read (and the page updated). */
  sampleIntervalMs: number;
  /** Health, schema registry and Airflow change slowly: read this often. */
  slowIntervalMs: number;
  /** The charts' span. */
  historyMs: number;
  rateWindowMs: number;
  latencyWindowMs: number;
  lagWindowMs: number;
  /**
   * A WAL relay's replication slot holding back more than this is an alert (the page's line and
   * streamline_monitor_slot_lag_alert): PostgreSQL keeps that WAL on disk until the slot moves.
   */
  slotLagAlertBytes: number;
  /** Dead letters kept in memory for the browser and the search (the counts cover all). */
  dlqKeep: number;
  /** ... and the bytes they may take in all. */
  dlqKeepBytes: number;
  /** Host names served and the token asked for (see access-config.ts). */
  access: MonitorAccess;
  /** The live channel: pages at once, and unsent bytes per page before it is dropped. */
  live: { maxClients: number; maxBufferBytes: number };
  /** Find a user: its own pool, a statement timeout and a rate limit (requests per minute per client address). */
  find: { poolMax: number; statementTimeoutMs: number; perMinute: number };
  /** Where the page's files are (default: public/ beside src/, or beside the bundle). */
  publicDir: string | undefined;
}

/**
 * `relay=http://host:9402,cassandra-writer=http://host:9404`: overrides of the apps' URLs; an app
 * named again is another instance of it (`relay=http://relay:9402,relay=http://relay-2:9402`).
 */
const appUrlList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const out: Partial<Record<WatchedApp, string[]>> = {};
    for (const pair of (s ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const at = pair.indexOf('=');
      const app = pair.slice(0, at) as WatchedApp;
      const value = pair.slice(at + 1);
      if (at < 1 || !WATCHED_APPS.includes(app) || !/^https?:\/\/[^\s/]+/.test(value) || !z.url().safeParse(value).success) {
        ctx.addIssue({ code: 'custom', message: `expected app=url pairs with app one of ${WATCHED_APPS.join(', ')} (bad: ${JSON.stringify(pair)})` });
        return z.NEVER;
      }
      (out[app] ??= []).push(value.replace(/\/+$/, ''));
    }
    return out;
  });


/**
 * The monitor's settings. The apps' URLs default to each app's own port variable
 * (`RELAY_HTTP_PORT`, ...), so one env runs a pipeline and its monitor alike; MONITOR_APP_URLS
 * overrides them (apps elsewhere).
 */
export function loadMonitorConfig(env: Env = process.env, flags: MonitorFlags = {}, repoRoot = process.cwd()): MonitorConfig {
  const pick = flagReader(env, flags);
  const basics = loadAppBasics(env, 'monitor', 'MONITOR', { shutdownTimeoutMs: 10_000 });
  const http = { ...basics.http, port: pick('port', APP_HTTP_PORT_VARS.monitor, portOrZero(APP_HTTP_PORTS.monitor)) };
  const host = readVar(env, 'STREAMLINE_HOST', hostName('127.0.0.1'));
  const overrides = readVar(env, 'MONITOR_APP_URLS', appUrlList);
  const appUrls = Object.fromEntries(
    WATCHED_APPS.map((app) => [app, overrides[app] ?? [`http://${host}:${readVar(env, APP_HTTP_PORT_VARS[app], port(APP_HTTP_PORTS[app]))}`]]),
  ) as Record<WatchedApp, string[]>;
  const stack = loadStackLayout(env, repoRoot);
  const airflowPort = readVar(env, 'AIRFLOW_PORT', port(8080));
  return Object.freeze({
    ...basics,
    http,
    topics: {
      created: readVar(env, TOPIC_VARS.created, topicName(TOPICS.created)),
      processed: readVar(env, TOPIC_VARS.processed, topicName(TOPICS.processed)),
      dlq: readVar(env, TOPIC_VARS.dlq, topicName(TOPICS.dlq)),
    },
    userTable: loadUserTable(env),
    writerGroupId: readVar(env, 'WRITER_GROUP_ID', simpleName('cassandra-writer')),
    spark: {
      // The launcher's variable (the job contract's `env`, config.test.ts checks), with the job's default.
      appName: readVar(env, 'SPARK_JOB_APP_NAME', simpleName(JOB_OPTIONS.appName.default)),
    },
    appUrls,
    airflow: env.MONITOR_AIRFLOW_URL === 'none' ? null : {
      url: readVar(env, 'MONITOR_AIRFLOW_URL', url(`http://${host}:${airflowPort}`)).replace(/\/+$/, ''),
      username: readVar(env, 'MONITOR_AIRFLOW_USERNAME', simpleName('admin')),
      password: readVar(env, 'MONITOR_AIRFLOW_PASSWORD', z.string().min(1).optional()),
      // The simple auth manager's generated passwords, as the local stack writes them.
      passwordFile: resolve(repoRoot, readVar(env, 'MONITOR_AIRFLOW_PASSWORD_FILE', text(join(stack.data('airflow'), 'simple_auth_manager_passwords.json.generated')))),
    },
    sampleIntervalMs: readVar(env, 'MONITOR_SAMPLE_INTERVAL_MS', boundedInt(2_000, 100, 600_000)),
    slowIntervalMs: readVar(env, 'MONITOR_SLOW_INTERVAL_MS', boundedInt(10_000, 500, 3_600_000)),
    historyMs: readVar(env, 'MONITOR_HISTORY_MINUTES', boundedInt(15, 1, 24 * 60)) * 60_000,
    rateWindowMs: readVar(env, 'MONITOR_RATE_WINDOW_MS', boundedInt(10_000, 1_000, 3_600_000)),
    latencyWindowMs: readVar(env, 'MONITOR_LATENCY_WINDOW_MS', boundedInt(60_000, 1_000, 3_600_000)),
    lagWindowMs: readVar(env, 'MONITOR_LAG_WINDOW_MS', boundedInt(60_000, 1_000, 3_600_000)),
    // In MiB: a threshold in bytes would stop at the settings' 2^31 (2 GiB); up to 1 TiB.
    slotLagAlertBytes: readVar(env, 'MONITOR_SLOT_LAG_ALERT_MB', boundedInt(1_024, 1, 1_048_576)) * 1024 * 1024,
    dlqKeep: readVar(env, 'MONITOR_DLQ_KEEP', boundedInt(1_000, 1, 1_000_000)),
    dlqKeepBytes: readVar(env, 'MONITOR_DLQ_KEEP_MB', boundedInt(16, 1, 4_096)) * 1024 * 1024,
    access: loadMonitorAccess(env, http.host, repoRoot),
    live: {
      maxClients: readVar(env, 'MONITOR_SSE_MAX_CLIENTS', boundedInt(32, 1, 10_000)),
      maxBufferBytes: readVar(env, 'MONITOR_SSE_MAX_BUFFER_KB', boundedInt(1_024, 16, 1_048_576)) * 1024,
    },
    find: {
      poolMax: readVar(env, 'MONITOR_FIND_POOL_MAX', boundedInt(2, 1, 20)),
      statementTimeoutMs: readVar(env, 'MONITOR_FIND_TIMEOUT_MS', boundedInt(3_000, 100, 600_000)),
      perMinute: readVar(env, 'MONITOR_FIND_PER_MINUTE', boundedInt(30, 1, 100_000)),
    },
    publicDir: readVar(env, 'MONITOR_PUBLIC_DIR', z.string().min(1).optional()),
  });
}

