import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCassandraClient, createPgPool, type PgPool } from '@streamline/clients';
import { CASSANDRA } from '@streamline/config';
import {
  CLUSTER_TEST_PORTS,
  CLUSTER_TEST_PROJECT,
  clusterComposeFile,
  composeFile,
  composeIngest,
  containerHealth,
  describeWithEngine,
  docker,
  serviceContainer,
  testConnections,
  waitFor,
} from '@streamline/testing';
import { repoRoot } from '@streamline/app-runner';
import { ensureSystemChromium } from '../../monitor/tests/support/system-chromium.js';
import { expectExactlyTheStagedSet as expectExactSet } from './support/exact-set.js';

/** Where the browser's pictures go (looked at by hand; ignored by git). */
const SHOTS = join(repoRoot, '.stack', 'logs', 'cluster-it');

/**
 * The pipeline on the cluster topology (deploy/docker-compose.yml + deploy/docker-compose.cluster.yml,
 * started once by the cluster suite's global setup): 3 brokers, 3 Cassandra nodes, 2 Spark workers,
 * 2 relays and 2 writers. Each fault strikes while the ingestor's image stages users, and each test
 * ends with exactly the staged set in Cassandra (0 lost, 0 extra) and the ingestor exiting 0. The
 * recovery times go to the log (docs/scaling-out.md quotes them); nothing here asserts a duration.
 */
describeWithEngine('the cluster topology, end to end under cluster faults (cluster suite)', () => {
  const config = testConnections();
  let pool: PgPool;
  // cassandra-1 is the published node; the faults below strike cassandra-3.
  const cassandra = createCassandraClient(config.cassandra);
  const container = (service: string) => serviceContainer(service, CLUSTER_TEST_PROJECT);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const ingest = (seed: string, count: number) => composeIngest(seed, count, { project: CLUSTER_TEST_PROJECT, files: [composeFile, clusterComposeFile], ports: CLUSTER_TEST_PORTS });

  const storedCount = async () => Number((await cassandra.execute(`SELECT count(*) FROM ${CASSANDRA.keyspace}.${CASSANDRA.table}`)).first().get('count'));

  /**
   * Every staged user stored, no other row (0 lost, 0 extra). A quorum read that times out on two
   * busy cores (the first run's did: "0 replica(s) responded over 2 required") is asked again; only
   * an answer counts. `allStored` runs once the count has reached the staged set.
   */
  const expectExactlyTheStagedSet = (what: string, allStored?: () => Promise<void>) =>
    expectExactSet({ pool, cassandra, table: `${CASSANDRA.keyspace}.${CASSANDRA.table}`, what, countTimeoutMs: 600_000, readTimeoutMs: 300_000, describeHops: topicMessages, ...(allStored ? { beforeReadBack: allStored } : {}) });

  /** Each pipeline topic's messages (end offsets added up, asked of kafka-1): where a timeout's users stopped. */
  const topicMessages = async () => {
    const totals = new Map<string, number>();
    for (const line of kafkaTool('kafka-1', 'org.apache.kafka.tools.GetOffsetShell', "--topic 'users_.*'").split('\n')) {
      const [topic, , end] = line.split(':');
      if (topic && end && /^\d+$/.test(end)) totals.set(topic, (totals.get(topic) ?? 0) + Number(end));
    }
    return [...totals].map(([topic, n]) => `${n} messages in ${topic}`).join('; ');
  };

  const waitHealthy = (service: string) =>
    waitFor(() => containerHealth(container(service)) === 'healthy', { timeoutMs: 600_000, intervalMs: 1_000, what: `${service} healthy again` });

  /**
   * Samples the stored count each second from the fault on: the longest time it did not grow (the
   * stall the fault caused) and the time from the fault until every staged user was stored.
   */
  function watchRecovery() {
    const start = Date.now();
    let lastGrowth = start;
    let last = -1;
    let longestStallMs = 0;
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const n = await storedCount().catch(() => last);
        const now = Date.now();
        if (n > last) {
          if (last >= 0) longestStallMs = Math.max(longestStallMs, now - lastGrowth);
          lastGrowth = now;
          last = n;
        }
        await sleep(1_000);
      }
    })();
    return async (fault: string) => {
      stopped = true;
      await loop;
      const report = { fault, longestStallS: Math.round(longestStallMs / 100) / 10, allStoredAfterS: Math.round((Date.now() - start) / 100) / 10 };
      console.log(`cluster recovery ${JSON.stringify(report)}`);
    };
  }

  /** Waits until users are flowing into Cassandra (200 more than before), so the fault strikes mid-flow. */
  async function flowing() {
    const before = await storedCount();
    await waitFor(async () => (await storedCount()) > before + 200, { timeoutMs: 600_000, intervalMs: 500, what: 'users flowing into Cassandra' });
  }

  /** A Kafka tool run inside a broker's container, logged in with the broker's own SCRAM user (its env). */
  const kafkaTool = (service: string, tool: string, args: string) =>
    docker([
      'exec',
      container(service),
      'bash',
      '-c',
      "printf '%s\\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' " +
        '"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\\"$KAFKA_SCRAM_USERNAME\\" password=\\"$KAFKA_SCRAM_PASSWORD\\";" > /tmp/client.properties && ' +
        `java -Xmx128m -cp '/opt/kafka/lib/*' ${tool} --bootstrap-server ${service}:29092 --command-config /tmp/client.properties ${args}`,
    ]);
  const underReplicated = (via: string) => kafkaTool(via, 'org.apache.kafka.tools.TopicCommand', '--describe --under-replicated-partitions');
  /** Every partition back to its 3 in-sync replicas (asked of a broker that stayed up). */
  const fullyReplicated = (via: string) =>
    waitFor(() => underReplicated(via) === '', { timeoutMs: 600_000, intervalMs: 3_000, what: 'no under-replicated partition' });

  /**
   * The monitor's page in Debian's chromium while a broker is down: its row says down, the summary
   * names under-replicated partitions, and each relay and writer instance has its own row.
   */
  async function expectMonitorShowsBrokerDown(address: string) {
    const token = new RegExp('^MONITOR_AUTH_TOKEN=(\\S+)$', 'm').exec(readFileSync(join(dirname(composeFile), '.env'), 'utf8'))?.[1];
    if (!token) throw new Error('deploy/.env holds no MONITOR_AUTH_TOKEN (npm run images writes it)');
    const browser = await chromium.launch({ executablePath: await ensureSystemChromium(), headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 1400 }, httpCredentials: { username: 'monitor', password: token } });
      await page.goto(`http://127.0.0.1:${CLUSTER_TEST_PORTS.MONITOR_HTTP_PORT}/`);
      await page.locator(`#cluster tr[data-broker="${address}"][data-up="false"]`).waitFor({ timeout: 120_000 });
      await page.locator('#cluster-summary', { hasText: 'under-replicated' }).waitFor({ timeout: 60_000 });
      expect(await page.locator('#cluster tr[data-broker][data-up="true"]').count()).toBe(2);
      expect(await page.locator('#cluster tr[data-node][data-up="true"]').count()).toBe(3);
      expect(await page.locator('#apps tr[data-app="relay"]').count()).toBe(2);
      expect(await page.locator('#apps tr[data-app="cassandra-writer"]').count()).toBe(2);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'monitor-broker-down.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }

  beforeAll(async () => {
    pool = createPgPool(config.pg, { max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await cassandra.shutdown();
  });

  it('runs 3 brokers with topics of 6 partitions, replication factor 3 and min.insync.replicas 2, and 3 Cassandra nodes holding the keyspace 3 times', async () => {
    const described = kafkaTool('kafka-1', 'org.apache.kafka.tools.TopicCommand', '--describe --topic users_created');
    expect(described).toMatch(/PartitionCount: 6\s+ReplicationFactor: 3/);
    expect(described).toMatch(/min\.insync\.replicas=2/);
    for (const partition of described.split('\n').filter((l) => /\tPartition: /.test(l))) expect(partition).toMatch(/Isr: \d,\d,\d/);
    const peers = await cassandra.execute('SELECT peer FROM system.peers');
    expect(peers.rowLength, 'Cassandra peers of cassandra-1').toBe(2);
    const keyspace = await cassandra.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [CASSANDRA.keyspace]);
    expect(keyspace.first().get('replication')).toMatchObject({ replication_factor: '3' });
  });

  it('stores 2,000 generated users through 2 relays, 2 Spark workers and 2 writers', async () => {
    const started = Date.now();
    const first = await ingest('cluster-e2e', 2000);
    expect(first).toMatchObject({ fetched: 2000, staged: 2000, duplicates: 0, rejected: 0 });
    await expectExactlyTheStagedSet('after the first run');
    console.log(`cluster throughput ${JSON.stringify({ users: 2000, allStoredAfterS: Math.round((Date.now() - started) / 100) / 10 })}`);
  });

  it('loses and duplicates nothing when a broker is killed while users flow, then started again; the monitor shows it down meanwhile', async () => {
    const run = ingest('cluster-broker-kill', 2000);
    await flowing();
    const recovered = watchRecovery();
    docker(['kill', container('kafka-2')]);
    const killedAt = Date.now();
    // Down at least 15 s, and until the monitor's page (a real browser) has shown it.
    await expectMonitorShowsBrokerDown('kafka-2:29092');
    await sleep(Math.max(0, 15_000 - (Date.now() - killedAt)));
    docker(['start', container('kafka-2')]);
    await waitHealthy('kafka-2');
    expect((await run).staged).toBe(2000);
    await expectExactlyTheStagedSet('after the broker kill', () => recovered('kill kafka-2, start it 15 s later'));
    await fullyReplicated('kafka-1');
  });

  it('loses and duplicates nothing when a Cassandra node is killed while users flow, then started again', async () => {
    const run = ingest('cluster-cassandra-kill', 2000);
    await flowing();
    const recovered = watchRecovery();
    docker(['kill', container('cassandra-3')]);
    await sleep(15_000);
    docker(['start', container('cassandra-3')]);
    expect((await run).staged).toBe(2000);
    await expectExactlyTheStagedSet('after the Cassandra node kill', () => recovered('kill cassandra-3, start it 15 s later'));
    await waitHealthy('cassandra-3');
  });

  it('loses and duplicates nothing when one relay and one writer are killed mid-flow', async () => {
    const run = ingest('cluster-app-kill', 2000);
    await flowing();
    const recovered = watchRecovery();
    docker(['kill', container('relay-2')]);
    docker(['kill', container('cassandra-writer-2')]);
    await sleep(15_000);
    docker(['start', container('relay-2')]);
    docker(['start', container('cassandra-writer-2')]);
    expect((await run).staged).toBe(2000);
    await expectExactlyTheStagedSet('after the relay and writer kills', () => recovered('kill relay-2 and cassandra-writer-2, start them 15 s later'));
    await waitHealthy('relay-2');
    await waitHealthy('cassandra-writer-2');
  });

  it('loses and duplicates nothing when a broker is cut off from the network for 30 s, then reconnected', async () => {
    const id = container('kafka-3');
    const network = docker(['inspect', '--format', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}', id]);
    const run = ingest('cluster-broker-partition', 2000);
    await flowing();
    const recovered = watchRecovery();
    docker(['network', 'disconnect', network, id]);
    try {
      await sleep(30_000);
    } finally {
      // Back under its service name, so the other brokers and the clients find it again.
      docker(['network', 'connect', '--alias', 'kafka-3', network, id]);
    }
    expect((await run).staged).toBe(2000);
    await expectExactlyTheStagedSet('after the broker was cut off', () => recovered('kafka-3 disconnected from the network for 30 s'));
    await fullyReplicated('kafka-1');
  });

  it('loses and duplicates nothing through a rolling restart of the three brokers while users flow', async () => {
    const run = ingest('cluster-rolling-restart', 3000);
    await flowing();
    const recovered = watchRecovery();
    for (const broker of ['kafka-1', 'kafka-2', 'kafka-3']) {
      docker(['restart', '--timeout', '30', container(broker)]);
      await waitHealthy(broker);
      // The next broker goes down only once this one is back in every partition's in-sync set.
      await fullyReplicated(broker);
    }
    expect((await run).staged).toBe(3000);
    await expectExactlyTheStagedSet('after the rolling restart', () => recovered('rolling restart of kafka-1, kafka-2, kafka-3'));
  });
});
