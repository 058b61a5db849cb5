import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStackCredentials } from '../credentials.js';

/**
 * deploy/.env, which compose reads for the compose files' variables: the stack's generated
 * credentials (the same .stack/credentials.json as the local stack, so `STACK=docker npm start`
 * and the tests log in with them: PostgreSQL, Cassandra, Kafka's SCRAM user), the monitor's token,
 * Airflow's logins and secrets, Spark's RPC secret and the KRaft cluster id, kept once made
 * (a formatted volume remembers it). Mode 600, ignored by git; no secret is in a compose file or an
 * image.
 */
export function writeComposeEnv(repoRoot: string, env: NodeJS.ProcessEnv): string {
  const file = join(repoRoot, 'deploy', '.env');
  const { credentials } = ensureStackCredentials(env, repoRoot);
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = (name: string) => new RegExp(`^${name}=(\\S+)$`, 'm').exec(previous)?.[1];
  const clusterId = kept('KAFKA_CLUSTER_ID') ?? randomBytes(16).toString('base64url');
  // The monitor listens beyond loopback in its container, so it asks for a token: the stack's (a
  // stack made before monitors had one keeps the token first generated here).
  const monitorToken = credentials.monitor?.token ?? kept('MONITOR_AUTH_TOKEN') ?? randomBytes(24).toString('base64url');
  // Airflow's: its metadata login (the postgres volume keeps the role made with it: kept once made),
  // the UI/API admin password, and the secrets every Airflow process signs and checks tokens with.
  const airflowDbPassword = kept('AIRFLOW_DB_PASSWORD') ?? randomBytes(24).toString('base64url');
  const airflowAdminPassword = kept('AIRFLOW_ADMIN_PASSWORD') ?? randomBytes(18).toString('base64url');
  // Spark's RPC secret (spark.authenticate on the master, the worker and the launcher's driver).
  const sparkSecret = kept('SPARK_AUTH_SECRET') ?? randomBytes(24).toString('base64url');
  const lines = [
    '# Written by `npm run images` from .stack/credentials.json; do not commit.',
    `PG_PASSWORD=${credentials.pg.password}`,
    `CASSANDRA_USERNAME=${credentials.cassandra.username}`,
    `CASSANDRA_PASSWORD=${credentials.cassandra.password}`,
    `KAFKA_CLUSTER_ID=${clusterId}`,
    // The SCRAM login of the broker's client listener (created when the broker formats its volume).
    `KAFKA_SASL_USERNAME=${credentials.kafka.username}`,
    `KAFKA_SASL_PASSWORD=${credentials.kafka.password}`,
    // The registry's login (user streamline, as its image's login.properties names it).
    `SCHEMA_REGISTRY_PASSWORD=${credentials.registry.password}`,
    `SPARK_AUTH_SECRET=${sparkSecret}`,
    `MONITOR_AUTH_TOKEN=${monitorToken}`,
    `AIRFLOW_DB_PASSWORD=${airflowDbPassword}`,
    `AIRFLOW_ADMIN_PASSWORD=${airflowAdminPassword}`,
    `AIRFLOW_JWT_SECRET=${credentials.airflow.jwtSecret}`,
    `AIRFLOW_SECRET_KEY=${credentials.airflow.secretKey}`,
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
