import { z } from 'zod';
import {
  type AppBasics,
  bool,
  boundedInt,
  type Env,
  flagReader,
  hostName,
  intInRange,
  loadAppBasics,
  nonNegativeInt,
  oneOf,
  portOrZero,
  positiveInt,
  positiveNumber,
  readVar,
  url,
} from '@streamline/config';
import { DEFAULT_MAX_BODY_BYTES, INGEST_SOURCES, MAX_BODY_BYTES_VAR, MAX_RESULTS_PER_PAGE, REQUEST_TIMEOUT_VAR, type IngestSource } from './constants.js';
import { FaultSpecError, parseFaultSpec } from './generator/faults.js';

/**
 * `retry` (INGESTOR_RETRY_MIN_DELAY_MS / _MAX_DELAY_MS, 500 / 30000) paces both the API requests'
 * retries and the waits through a PostgreSQL outage; `http` is the /healthz and /metrics of a run
 * (a taken port falls back to a free one: two runs may overlap).
 */
export interface IngestorConfig extends AppBasics {
  /** Users to fetch (per run; with `follow`, the stream runs until stopped instead). */
  count: number;
  /** INGESTOR_FOLLOW (or `--follow`): stream users until SIGINT/SIGTERM instead of a bounded run. */
  follow: boolean;
  /** Users per second while following. */
  rate: number;
  /** While following, a round of `rate * followTickMs / 1000` users starts about this often. */
  followTickMs: number;
  /** Users per staging transaction. */
  batchSize: number;
  /** Pages fetched at once. */
  concurrency: number;
  /** Staging transactions in flight at once (back-pressure on the fetchers beyond that). */
  maxInFlightBatches: number;
  /** `results` per request; unset: min(count, batchSize, 5000). */
  resultsPerPage: number | undefined;
  /** `auto`: the API when it answers a quick probe, else the offline generator. */
  source: IngestSource;
  /** Unset: a random seed, printed, so the run can be repeated. */
  seed: string | undefined;
  /** Comma-separated nationalities (randomuser `nat`), e.g. `us,gb`. */
  nat: string | undefined;
  apiUrl: string;
  /** Unset: a generated id. */
  runId: string | undefined;
  /** Per request, body included. */
  requestTimeoutMs: number;
  /** A larger answer is refused (not read into memory), not retried. */
  maxBodyBytes: number;
  probeTimeoutMs: number;
  /** Attempts after the first one, per request. */
  retries: number;
  /** How long a run waits for PostgreSQL when it is away (a restart, a failover) before it fails. */
  outageTimeoutMs: number;
  /** A longer Retry-After is capped to this. */
  maxRetryAfterMs: number;
  generator: {
    host: string;
    /** serve-generator's port; 0: any free port. */
    port: number;
    /** Fault spec for tests, e.g. `503=0.2,429=0.1,bad=0.01,retry-after=1`. */
    faults: string | undefined;
  };
}

/** Command-line values; each one, when given, wins over its environment variable. */
export interface IngestorFlags {
  count?: string | number;
  rate?: string | number;
  batchSize?: string | number;
  concurrency?: string | number;
  maxInFlight?: string | number;
  pageSize?: string | number;
  source?: string;
  seed?: string;
  nat?: string;
  apiUrl?: string;
  runId?: string;
  faults?: string;
  host?: string;
  port?: string | number;
}

const seed = z.string().regex(/^[\w.-]{1,64}$/, 'expected 1-64 letters, digits, _ . or -').optional();
const nat = z
  .string()
  .regex(/^[a-z]{2}(,[a-z]{2})*$/i, 'expected comma-separated two-letter nationalities, e.g. us,gb')
  .transform((s) => s.toLowerCase())
  .optional();
const runId = z.string().regex(/^[\w.:-]{1,100}$/, 'expected 1-100 letters, digits, _ . : or -').optional();
/** Checked here, so that a bad spec is refused at start naming GENERATOR_FAULTS or --faults. */
const faults = z
  .string()
  .superRefine((spec, ctx) => {
    try {
      parseFaultSpec(spec);
    } catch (error) {
      if (!(error instanceof FaultSpecError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.reason });
    }
  })
  .optional();
const bounded = (fallback: number, max: number) => boundedInt(fallback, 1, max);

/**
 * Env + defaults, with command-line flags on top. A bad value fails in one line naming the
 * variable (or `--flag`) and the value.
 */
export function loadIngestorConfig(env: Env = process.env, flags: IngestorFlags = {}): IngestorConfig {
  const pick = flagReader(env, flags);
  return Object.freeze({
    ...loadAppBasics(env, 'ingestor', 'INGESTOR', { shutdownTimeoutMs: 15_000, retry: { minDelayMs: 500, maxDelayMs: 30_000 } }),
    count: pick('count', 'INGESTOR_COUNT', positiveInt(1000)),
    // `--follow` itself is a switch: main.ts ORs it in (a switch has no bad value to name).
    follow: readVar(env, 'INGESTOR_FOLLOW', bool(false)),
    rate: pick('rate', 'INGESTOR_RATE', positiveNumber(100)),
    followTickMs: readVar(env, 'INGESTOR_FOLLOW_TICK_MS', boundedInt(100, 10, 60_000)),
    batchSize: pick('batchSize', 'INGESTOR_BATCH_SIZE', bounded(1000, 50_000)),
    concurrency: pick('concurrency', 'INGESTOR_CONCURRENCY', bounded(4, 64)),
    maxInFlightBatches: pick('maxInFlight', 'INGESTOR_MAX_IN_FLIGHT_BATCHES', bounded(2, 32)),
    resultsPerPage: pick('pageSize', 'INGESTOR_PAGE_SIZE', intInRange(1, MAX_RESULTS_PER_PAGE).optional()),
    source: pick('source', 'INGESTOR_SOURCE', oneOf(INGEST_SOURCES, 'auto')),
    seed: pick('seed', 'INGESTOR_SEED', seed),
    nat: pick('nat', 'INGESTOR_NAT', nat),
    apiUrl: pick('apiUrl', 'RANDOMUSER_API_URL', url('https://randomuser.me/api/')),
    runId: pick('runId', 'INGESTOR_RUN_ID', runId),
    requestTimeoutMs: readVar(env, REQUEST_TIMEOUT_VAR, positiveInt(30_000)),
    maxBodyBytes: readVar(env, MAX_BODY_BYTES_VAR, positiveInt(DEFAULT_MAX_BODY_BYTES)),
    probeTimeoutMs: readVar(env, 'INGESTOR_PROBE_TIMEOUT_MS', positiveInt(3000)),
    retries: readVar(env, 'INGESTOR_RETRIES', nonNegativeInt(5)),
    maxRetryAfterMs: readVar(env, 'INGESTOR_MAX_RETRY_AFTER_MS', positiveInt(120_000)),
    outageTimeoutMs: readVar(env, 'INGESTOR_OUTAGE_TIMEOUT_MS', positiveInt(120_000)),
    generator: Object.freeze({
      host: pick('host', 'GENERATOR_HOST', hostName('127.0.0.1')),
      port: pick('port', 'GENERATOR_PORT', portOrZero(8089)),
      faults: pick('faults', 'GENERATOR_FAULTS', faults),
    }),
  });
}
