import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStackCredentials } from '@streamline/config';
import type { StackConfig } from '../config.js';
import { probe, type Component, type StackContext } from '../component.js';
import { ensureDir } from '../paths.js';
import { findPython } from '../prerequisites.js';
import { runCommand } from '../run-command.js';

export const AIRFLOW_VERSION = '3.3.2';

const root = join(import.meta.dirname, '..', '..', '..', '..');
/** `pip freeze` of a green install: upstream releases cannot break the install (Airflow's advice). */
const constraints = join(root, 'airflow-dags', 'constraints.txt');
const venvOf = (stackDir: string) => join(stackDir, 'dist', 'airflow');
export const airflowVenv = (ctx: StackContext) => venvOf(ctx.paths.root);
const home = (ctx: StackContext) => ctx.paths.data('airflow');

/** The environment every Airflow process (and `airflow dags test`) shares. */
export function airflowEnv(config: StackConfig, stackDir: string): Record<string, string> {
  const pg = config.connections.pg;
  const secrets = readStackCredentials({ STREAMLINE_STACK_DIR: stackDir })?.airflow;
  if (!secrets) throw new Error(`no stack credentials in ${stackDir}: npm run stack -- up generates them`);
  const api = `http://${config.host}:${config.ports.airflow}`;
  return {
    AIRFLOW_HOME: join(stackDir, 'data', 'airflow'),
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `postgresql+psycopg2://${pg.user}:${pg.password}@${pg.host}:${pg.port}/airflow`,
    AIRFLOW__CORE__DAGS_FOLDER: join(root, 'airflow-dags', 'dags'),
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    // LocalExecutor starts `parallelism` workers at once: 32 by default, far too many for 2 cores.
    AIRFLOW__CORE__PARALLELISM: '4',
    // Every process must sign and check tokens with the same secrets: the stack's generated ones.
    AIRFLOW__API_AUTH__JWT_SECRET: secrets.jwtSecret,
    AIRFLOW__API__SECRET_KEY: secrets.secretKey,
    AIRFLOW__API__PORT: String(config.ports.airflow),
    AIRFLOW__API__BASE_URL: api,
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${api}/execution/`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: 'admin:admin',
    STREAMLINE_ROOT: root,
    // Airflow renders tracebacks with rich, local variables included (the metadata URL and its
    // password among them), whenever DEV is non-empty, and vitest sets DEV=1 in the environment the
    // tests' global setup starts the stack from: always off, so logs never show a secret.
    DEV: '',
    PATH: `${join(venvOf(stackDir), 'bin')}:${process.env.PATH}`,
  };
}

const airflowBin = (ctx: StackContext) => join(airflowVenv(ctx), 'bin', 'airflow');

function service(name: string, args: string[]): Component {
  return {
    name,
    installKey: 'uses-airflow-api-server-install',
    installLane: 'none',
    enabled: () => true,
    port: (config) => config.ports.airflow,
    dependsOn: () => ['airflow-api-server'],
    install: async () => undefined,
    prepare: async () => undefined,
    launch: (ctx) => ({ command: airflowBin(ctx), args, env: airflowEnv(ctx.config, ctx.paths.root) }),
    // It serves no port of its own: the API server's health endpoint reports its heartbeat.
    ownsPort: false,
    health: (ctx) => probe(async () => `heartbeat ${await healthOf(ctx, name.replace('airflow-', '').replace('-', '_'))}`),
  };
}

async function healthOf(ctx: StackContext, part: string): Promise<string> {
  const res = await fetch(`http://${ctx.config.host}:${ctx.config.ports.airflow}/api/v2/monitor/health`);
  if (!res.ok) throw new Error(`health answered ${res.status}`);
  const json = (await res.json()) as Record<string, { status?: string | null } | undefined>;
  const status = json[part]?.status;
  if (status !== 'healthy') throw new Error(`${part} is ${status ?? 'not reporting yet'}`);
  return 'healthy';
}

/**
 * Apache Airflow from PyPI in its own venv, metadata in the stack's PostgreSQL (database
 * `airflow`). The API server (UI and REST) carries the install and the DB migration; the
 * scheduler and the DAG processor run beside it.
 */
export const airflowApiServer: Component = {
  name: 'airflow-api-server',
  installKey: `apache-airflow-${AIRFLOW_VERSION}`,
  // Its own venv: installs beside pyspark's rather than after it.
  installLane: 'airflow',
  enabled: () => true,
  port: (config) => config.ports.airflow,
  dependsOn: () => ['postgres'],
  async install(ctx) {
    const venv = airflowVenv(ctx);
    const log = ctx.paths.log('install-airflow');
    if (!existsSync(join(venv, 'bin', 'python'))) await runCommand(findPython(), ['-m', 'venv', venv], { logFile: log });
    ctx.reporter.step('airflow-api-server', `pip install apache-airflow[postgres]==${AIRFLOW_VERSION} -c airflow-dags/constraints.txt (PyPI)`);
    await runCommand(
      join(venv, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-c', constraints, `apache-airflow[postgres]==${AIRFLOW_VERSION}`, 'pytest==9.2.0'],
      { env: { PIP_CACHE_DIR: ctx.paths.pipCache }, logFile: log },
    );
  },
  async prepare(ctx) {
    ensureDir(home(ctx));
    // The admin login is generated once and printed once; it stays in the passwords file.
    const passwords = join(home(ctx), 'simple_auth_manager_passwords.json.generated');
    if (!existsSync(passwords)) {
      const password = randomBytes(9).toString('base64url');
      writeFileSync(passwords, JSON.stringify({ admin: password }), { mode: 0o600 });
      ctx.reporter.done('airflow-api-server', `UI login: admin / ${password} (kept in ${passwords})`);
    }
    ctx.reporter.step('airflow-api-server', 'airflow db migrate');
    await runCommand(airflowBin(ctx), ['db', 'migrate'], { env: airflowEnv(ctx.config, ctx.paths.root), logFile: ctx.paths.log('airflow-api-server') });
  },
  launch: (ctx) => ({
    command: airflowBin(ctx),
    args: ['api-server', '--host', ctx.config.host, '--port', String(ctx.config.ports.airflow)],
    env: airflowEnv(ctx.config, ctx.paths.root),
  }),
  health: (ctx) => probe(async () => `UI on :${ctx.config.ports.airflow}, metadatabase ${await healthOf(ctx, 'metadatabase')}`),
};

export const airflowScheduler: Component = {
  // No log server (Airflow's serve-logs binds port 8793 on every interface): the LocalExecutor's
  // task logs are files on this machine, which the API server reads itself.
  ...service('airflow-scheduler', ['scheduler', '--skip-serve-logs']),
  // On SIGTERM it waits for its LocalExecutor, which never returned here even with no task running
  // (30 s, then SIGKILL); Airflow's own answer is "signal again if you don't want to wait". The
  // group's tasks got the first signal too.
  stopResignalAfterMs: 3_000,
};
export const airflowDagProcessor = service('airflow-dag-processor', ['dag-processor']);
