import type { StackConfig } from './config.js';
import type { StackPaths } from './paths.js';
import type { LaunchSpec } from './processes.js';
import type { Reporter } from './reporter.js';

export interface StackContext {
  config: StackConfig;
  paths: StackPaths;
  reporter: Reporter;
}

export interface HealthResult {
  healthy: boolean;
  /** What the probe saw, e.g. "release_version 5.0.6" or the error. */
  detail: string;
}

/** Installs run in lanes: Maven's local repository is not safe for concurrent writers. */
export type InstallLane = 'maven' | 'python' | 'airflow' | 'none';

/** One real server of the local stack, or one of the pipeline apps it runs beside them. */
export interface Component {
  name: string;
  /** `app`: a pipeline app under a supervisor (`stack up --no-apps` leaves it out). Default `server`. */
  kind?: 'server' | 'app';
  /** Where a person or a tool reaches it over HTTP (the monitor's page, an app's endpoint). */
  url?(config: StackConfig): string;
  /** Changing it (a version bump) makes `up` reinstall. */
  installKey: string;
  installLane: InstallLane;
  enabled(config: StackConfig): boolean;
  port(config: StackConfig): number;
  dependsOn(config: StackConfig): string[];
  /** Downloads and unpacks what the server needs; runs only when the install key changed. */
  install(ctx: StackContext): Promise<void>;
  /** Writes config files and initialises data; idempotent, runs before every start. */
  prepare(ctx: StackContext): Promise<void>;
  launch(ctx: StackContext): LaunchSpec;
  /** Once healthy: create databases, users, etc. Idempotent. */
  afterStart?(ctx: StackContext): Promise<void>;
  /** Answers only when the server really serves (a query, metadata, an API call). */
  health(ctx: StackContext): Promise<HealthResult>;
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
  /** Sends the stop signal again after this long: some servers finish a graceful stop only then. */
  stopResignalAfterMs?: number;
  /** False for a process without a port of its own (its `port` is where its health is read). */
  ownsPort?: boolean;
  /** Data kept outside the stack folder (removed by `reset` too). */
  dataOutsideStack?(ctx: StackContext): string[];
}

/** Runs a probe with a time limit, turning errors into an unhealthy result. */
export async function probe(fn: () => Promise<string>, timeoutMs = 5_000): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { healthy: true, detail };
  } catch (error) {
    return { healthy: false, detail: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
