import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { dockerAvailable } from './stack-mode.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const composeFile = join(repoRoot, 'deploy', 'docker-compose.yml');
/** The clustered topology, an override of composeFile (docs/scaling-out.md). */
export const clusterComposeFile = join(repoRoot, 'deploy', 'docker-compose.cluster.yml');
/** The override publishing the broker and the registry on 127.0.0.1, for clients on the host. */
export const hostClientsComposeFile = join(repoRoot, 'deploy', 'docker-compose.host-clients.yml');

/**
 * STACK=docker: the servers of composeFile (+ hostClientsComposeFile), no app, on the local stack's
 * usual ports; the integration suites run their apps as processes against them, as on the local
 * stack. Spark runs in the launcher's driver (local[3]) there, so no Spark container.
 */
export const STACK_TEST_PROJECT = 'streamline-stack-test';
export const STACK_TEST_SERVICES: readonly string[] = ['postgres', 'kafka', 'schema-registry', 'cassandra', 'stack-setup'];
/**
 * What host clients of that stack set: the broker's host listener asks for SCRAM (the stack's login);
 * Spark in the launcher's driver, a thread per partition of users_created (3).
 */
export const STACK_TEST_CLIENT_ENV: Readonly<Record<string, string>> = Object.freeze({ KAFKA_SASL_MECHANISM: 'scram-sha-512', SPARK_MASTER_URL: 'local[3]' });

/** The docker suite's compose project: its own containers, network and volumes, removed at the end. */
export const COMPOSE_TEST_PROJECT = 'streamline-docker-test';

/**
 * The compose stack's published host ports in the docker suite: the local stack's + 30000, so the
 * suite runs beside a local stack (or a compose stack of one's own) on their usual ports.
 */
export const COMPOSE_TEST_PORTS: Readonly<Record<string, string>> = Object.freeze({
  PG_PORT: '35433',
  CASSANDRA_PORT: '39042',
  MONITOR_HTTP_PORT: '39400',
  RELAY_HTTP_PORT: '39402',
  SPARK_LAUNCHER_HTTP_PORT: '39403',
  WRITER_HTTP_PORT: '39404',
  PROMETHEUS_PORT: '39090',
  AIRFLOW_PORT: '38080',
});

/**
 * The suite's other compose settings: user_ingest runs only when a test triggers it (a scheduled
 * run would stage users while another test counts the staged set).
 */
export const COMPOSE_TEST_SETTINGS: Readonly<Record<string, string>> = Object.freeze({ USER_INGEST_SCHEDULE: 'none' });

/**
 * The cluster suite's compose project (composeFile + clusterComposeFile): the local stack's ports +
 * 20000, clear of the docker suite's (+30000) and of the usual ones, so both suites may run at once.
 */
export const CLUSTER_TEST_PROJECT = 'streamline-cluster-test';
export const CLUSTER_TEST_PORTS: Readonly<Record<string, string>> = Object.freeze({
  PG_PORT: '25433',
  CASSANDRA_PORT: '29042',
  MONITOR_HTTP_PORT: '29400',
  RELAY_HTTP_PORT: '29402',
  SPARK_LAUNCHER_HTTP_PORT: '29403',
  WRITER_HTTP_PORT: '29404',
  PROMETHEUS_PORT: '29090',
  AIRFLOW_PORT: '28080',
});

/**
 * What the cluster suite starts (with what they depend on): the topology of docs/scaling-out.md
 * without Airflow and Prometheus, which no cluster test reads; on two cores their six processes
 * would only slow the bring-up and the recoveries measured. The ingestor runs per test.
 */
export const CLUSTER_TEST_SERVICES: readonly string[] = ['relay', 'relay-2', 'spark-launcher', 'cassandra-writer', 'cassandra-writer-2', 'monitor'];

/** Compose services that run once and exit 0 (the others stay up, with a healthcheck). */
export const ONE_SHOT_SERVICES: readonly string[] = ['stack-setup', 'airflow-migrate', 'cluster-setup'];

/** `docker <args>` on the suite's engine; throws with its stderr when it fails. */
export function docker(args: string[]): string {
  const res = spawnSync('docker', args, { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${res.status}): ${res.stderr.trim()}`);
  return res.stdout.trim();
}

/** The container of a compose service in the suite's project (or another), e.g. `cassandra` -> its id. */
export function serviceContainer(service: string, project: string = COMPOSE_TEST_PROJECT): string {
  const id = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`]);
  if (!id) throw new Error(`no container for service ${service} in compose project ${project}`);
  return id.split('\n')[0]!;
}

/** A container's state: `running`, `paused`, `exited`, ... */
export function containerState(id: string): string {
  return docker(['inspect', '--format', '{{.State.Status}}', id]);
}

/** A container's health as its healthcheck reports it (`healthy`, `starting`, `unhealthy`), or its state. */
export function containerHealth(id: string): string {
  return docker(['inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}', id]);
}

/**
 * The docker suite: runs where a Docker engine answers; elsewhere it shows as skipped, its name
 * saying why (never dropped silently).
 */
export function describeWithEngine(name: string, suite: () => void): void {
  if (dockerAvailable()) {
    describe(name, suite);
    return;
  }
  describe(`${name} [skipped: no Docker engine answers (docker info); .ci/run starts one]`, () => {
    it.skip('needs a Docker engine', () => undefined);
  });
}
