import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createCassandraClient, createPgPool, type PgPool } from '@streamline/clients';
import { CASSANDRA } from '@streamline/config';
import { allStagedIds } from '@streamline/staging';
import { COMPOSE_TEST_PORTS, COMPOSE_TEST_PROJECT, composeFile, composeIngest, containerHealth, containerState, describeWithEngine, docker, serviceContainer, testConnections, waitFor } from '@streamline/testing';
import { expectExactlyTheStagedSet as expectExactSet } from './support/exact-set.js';

/**
 * The whole pipeline as the compose stack runs it (deploy/docker-compose.yml on the project's own
 * images, started by the docker suite's global setup through Testcontainers): the ingestor's image
 * stages users, and every other stage is a container. Each test ends with exactly the staged set
 * in Cassandra: every staged id stored, and no row that was not staged.
 */
describeWithEngine('the compose stack, end to end and under faults (docker suite)', () => {
  const config = testConnections();
  let pool: PgPool;
  const cassandra = createCassandraClient(config.cassandra);

  const storedCount = async () => Number((await cassandra.execute(`SELECT count(*) FROM ${CASSANDRA.keyspace}.${CASSANDRA.table}`)).first().get('count'));

  /** Every staged user stored, no other row (0 lost, 0 extra); reads retried while a restarted node warms up. */
  const expectExactlyTheStagedSet = (what: string) =>
    expectExactSet({ pool, cassandra, table: `${CASSANDRA.keyspace}.${CASSANDRA.table}`, what, countTimeoutMs: 300_000, readTimeoutMs: 120_000 });

  const waitHealthy = (service: string) =>
    waitFor(() => containerHealth(serviceContainer(service)) === 'healthy', { timeoutMs: 240_000, intervalMs: 1_000, what: `${service} healthy again` });

  beforeAll(async () => {
    pool = createPgPool(config.pg, { max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await cassandra.shutdown();
  });

  // A failed test leaves the stack as it stood: say what each stage's container last logged, so a
  // run that cannot be repeated (CI) still tells where the records stopped.
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const service of ['cassandra', 'relay', 'spark-launcher', 'cassandra-writer']) {
      const logs = spawnSync('docker', ['logs', '--tail', '25', serviceContainer(service)], { encoding: 'utf8', timeout: 30_000 });
      console.error(`--- ${service} (last 25 lines) ---\n${`${logs.stdout}${logs.stderr}`.trim()}`);
    }
  });

  it('stores 2,000 generated users from the ingestor image; the same seed again adds none', async () => {
    const first = await composeIngest('compose-e2e', 2000);
    expect(first).toMatchObject({ fetched: 2000, staged: 2000, duplicates: 0, rejected: 0 });
    await expectExactlyTheStagedSet('after the first run');
    const again = await composeIngest('compose-e2e', 2000);
    expect(again).toMatchObject({ fetched: 2000, staged: 0, duplicates: 2000 });
    await expectExactlyTheStagedSet('after the same seed again');
  });

  it('loses and duplicates nothing when the Cassandra container is killed while users flow, then started again', async () => {
    const before = await storedCount();
    const run = composeIngest('compose-cassandra-kill', 3000);
    await waitFor(async () => (await storedCount()) > before + 200, { timeoutMs: 180_000, intervalMs: 500, what: 'users flowing into Cassandra' });
    docker(['kill', serviceContainer('cassandra')]);
    try {
      await waitFor(() => containerState(serviceContainer('cassandra')) === 'exited', { what: 'the Cassandra container gone' });
      await new Promise((r) => setTimeout(r, 10_000));
    } finally {
      docker(['start', serviceContainer('cassandra')]);
    }
    await waitHealthy('cassandra');
    expect((await run).staged).toBe(3000);
    await expectExactlyTheStagedSet('after the Cassandra kill');
  });

  it('loses and duplicates nothing when the broker is paused for 20 s (an outage) while users flow', async () => {
    const run = composeIngest('compose-kafka-pause', 3000);
    await waitFor(async () => Number((await pool.query('SELECT count(*) AS n FROM users_raw')).rows[0].n) > 0, { what: 'staging' });
    // The freezer can fail to stop every thread at once on a busy machine ("unable to freeze"): tried again.
    const broker = serviceContainer('kafka');
    await waitFor(() => containerState(broker) === 'paused' || docker(['pause', broker]) !== undefined, { timeoutMs: 30_000, intervalMs: 2_000, what: 'the broker paused' });
    try {
      expect(containerState(serviceContainer('kafka'))).toBe('paused');
      await new Promise((r) => setTimeout(r, 20_000));
    } finally {
      docker(['unpause', broker]);
    }
    expect((await run).staged).toBe(3000);
    await expectExactlyTheStagedSet('after the broker pause');
  });

  it('loses and duplicates nothing when the relay and the writer containers are killed and restarted mid-flow', async () => {
    const before = await storedCount();
    const run = composeIngest('compose-app-kill', 3000);
    await waitFor(async () => (await storedCount()) > before + 200, { timeoutMs: 180_000, intervalMs: 500, what: 'users flowing into Cassandra' });
    for (const service of ['relay', 'cassandra-writer']) {
      docker(['kill', serviceContainer(service)]);
      await waitFor(() => containerState(serviceContainer(service)) === 'exited', { what: `the ${service} container gone` });
      docker(['start', serviceContainer(service)]);
    }
    await waitHealthy('relay');
    await waitHealthy('cassandra-writer');
    expect((await run).staged).toBe(3000);
    await expectExactlyTheStagedSet('after the relay and writer kills');
  });

  it('serves the monitor on 127.0.0.1 only with its token, and refuses a foreign Host name', async () => {
    const url = `http://127.0.0.1:${COMPOSE_TEST_PORTS.MONITOR_HTTP_PORT}`;
    const token = /^MONITOR_AUTH_TOKEN=(\S+)$/m.exec(readFileSync(join(dirname(composeFile), '.env'), 'utf8'))?.[1];
    expect(token).toBeTruthy();
    expect((await fetch(`${url}/api/state`)).status).toBe(401);
    const state = await fetch(`${url}/api/state`, { headers: { authorization: `Bearer ${token}` } });
    expect(state.status).toBe(200);
    const body = (await state.json()) as { flow: Array<{ stage: string; count: number }> };
    expect(body.flow.find((s) => s.stage === 'staged')?.count).toBe((await allStagedIds(pool)).length);
    // fetch sets Host from the URL: a plain request sends the foreign one (as a rebinding page would).
    const foreign = await new Promise<number>((resolve, reject) =>
      request(`${url}/api/state`, { headers: { authorization: `Bearer ${token}`, host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(foreign).toBe(421);
    const published = docker(['port', serviceContainer('monitor'), '9400']);
    expect(published).toBe(`127.0.0.1:${COMPOSE_TEST_PORTS.MONITOR_HTTP_PORT}`);
  });

  /** The compose network's name (the project's default network), as the kafka container is on it. */
  const projectNetwork = () => docker(['inspect', '--format', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}', serviceContainer('kafka')]);
  const composeSecret = (name: string) => {
    const value = new RegExp(`^${name}=(\\S+)$`, 'm').exec(readFileSync(join(dirname(composeFile), '.env'), 'utf8'))?.[1];
    if (!value) throw new Error(`deploy/.env has no ${name}`);
    return value;
  };

  /**
   * A one-off container of a service's image on the project's network (and on no other): its exit code
   * and output. Secrets go in by name (`-e NAME`, the value from this process's environment), so no
   * command line carries them.
   */
  function onProjectNetwork(service: string, script: string, secrets: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
    const image = docker(['inspect', '--format', '{{.Config.Image}}', serviceContainer(service)]);
    const args = ['run', '--rm', '--network', projectNetwork(), '--entrypoint', 'bash', ...Object.keys(secrets).flatMap((k) => ['-e', k]), image, '-c', script];
    return new Promise((resolve, reject) => {
      const child = spawn('docker', args, { env: { ...process.env, ...secrets }, timeout: 240_000 });
      let output = '';
      child.stdout.on('data', (d: Buffer) => void (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => void (output += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  it("refuses Kafka clients without the stack's SCRAM login on the project's network, and serves those with it", async () => {
    // Kafka's own admin tool, from the broker's image; a short timeout: a refused client would retry for a minute.
    const listTopics = (props: string) =>
      `printf '%s\\n' 'default.api.timeout.ms=15000' 'request.timeout.ms=5000' ${props} > /tmp/client.properties && ` +
      "java -cp '/opt/kafka/lib/*' org.apache.kafka.tools.TopicCommand --bootstrap-server kafka:29092 --command-config /tmp/client.properties --list";
    const scram = `'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\\"$KAFKA_SASL_USERNAME\\" password=\\"$KAFKA_SASL_PASSWORD\\";"`;
    const login = { KAFKA_SASL_USERNAME: composeSecret('KAFKA_SASL_USERNAME'), KAFKA_SASL_PASSWORD: composeSecret('KAFKA_SASL_PASSWORD') };

    const plain = await onProjectNetwork('kafka', listTopics(''));
    expect(plain.code, plain.output).not.toBe(0);
    expect(plain.output).not.toMatch(/^users_created$/m);
    const wrong = await onProjectNetwork('kafka', listTopics(scram), { ...login, KAFKA_SASL_PASSWORD: 'not-the-password' });
    expect(wrong.code, wrong.output).not.toBe(0);
    expect(wrong.output).toMatch(/Authentication failed.*invalid credentials/);
    const served = await onProjectNetwork('kafka', listTopics(scram), login);
    expect(served.code, served.output).toBe(0);
    expect(served.output.split('\n')).toEqual(expect.arrayContaining(['users_created', 'users_processed', 'users_dlq']));
  });

  it("refuses Spark clients without the stack's secret (spark.authenticate) on the project's network, and registers those with it", async () => {
    // A PySpark driver from the Spark image asks the master to register an application. A refused
    // one retries for a minute: it is stopped once the refusal is in its output (`refusal`), or
    // after 240 s; one that is let in registers, prints its id and stops by itself.
    const driver = (app: string, secretFile: boolean, refusal?: string) =>
      `${secretFile ? `printf 'spark.authenticate=true\\nspark.authenticate.secret=%s\\n' "$SPARK_SECRET" > /tmp/secret.properties && export PYSPARK_SUBMIT_ARGS='--properties-file /tmp/secret.properties pyspark-shell' && ` : ''}` +
      `{ python3 -c "from pyspark.sql import SparkSession; s = SparkSession.builder.master('spark://spark-master:7077').appName('${app}').getOrCreate(); print('REGISTERED', s.sparkContext.applicationId); s.stop()" > /tmp/out 2>&1 & } && pid=$! && ` +
      `for i in $(seq 240); do ${refusal ? `grep -q '${refusal}' /tmp/out && break; ` : ''}kill -0 $pid 2>/dev/null || break; sleep 1; done; ` +
      'kill $pid 2>/dev/null; wait $pid; code=$?; cat /tmp/out; exit $code';
    const [plain, wrong, served] = await Promise.all([
      onProjectNetwork('spark-master', driver('it-no-secret', false, 'Expected SaslMessage')),
      onProjectNetwork('spark-master', driver('it-wrong-secret', true, 'SaslException'), { SPARK_SECRET: 'not-the-secret' }),
      onProjectNetwork('spark-master', driver('it-with-secret', true), { SPARK_SECRET: composeSecret('SPARK_AUTH_SECRET') }),
    ]);
    expect(plain.code, plain.output).not.toBe(0);
    expect(plain.output).toMatch(/Expected SaslMessage, received something else/);
    expect(wrong.code, wrong.output).not.toBe(0);
    expect(wrong.output).toMatch(/SaslException: DIGEST-MD5/);
    expect(served.code, served.output).toBe(0);
    expect(served.output).toMatch(/^REGISTERED app-\d+-\d+$/m);
    // The master's own list: the application with the secret, and neither without it.
    const master = JSON.parse(docker(['exec', serviceContainer('spark-master'), 'curl', '-fs', 'http://127.0.0.1:8090/json/'])) as Record<'activeapps' | 'completedapps', Array<{ name: string }>>;
    const names = [...master.activeapps, ...master.completedapps].map((a) => a.name);
    expect(names).toContain('it-with-secret');
    expect(names).not.toContain('it-no-secret');
    expect(names).not.toContain('it-wrong-secret');
  });

  it('runs every service of the compose file as a non-root user, each with its healthcheck passing', () => {
    const services = spawnSync('docker', ['compose', '-p', COMPOSE_TEST_PROJECT, '-f', composeFile, 'ps', '--format', '{{.Service}}'], {
      encoding: 'utf8',
      env: { ...process.env, ...COMPOSE_TEST_PORTS },
    }).stdout.trim().split('\n');
    expect(services.length).toBeGreaterThanOrEqual(11);
    for (const service of services) {
      const id = serviceContainer(service);
      expect(containerHealth(id), service).toBe('healthy');
      const user = docker(['exec', id, 'id', '-u']);
      expect(user, `${service} runs as uid ${user}`).not.toBe('0');
    }
  });
});
