import { readdir } from 'node:fs/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraClient, createKafka } from '@streamline/clients';
import { lastJsonLine, repoRoot, runAppToEnd } from '@streamline/app-runner';
import { parsePrometheusText, sumSamples } from '@streamline/runtime';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import { storedRows, topicMessages } from './support/pipeline-probes.js';
import { ensureSystemChromium } from './support/system-chromium.js';
import { startIsolatedPipeline, type IsolatedPipeline } from './support/isolated-pipeline.js';

const config = testConnections();

/**
 * What the page says, in a real browser (Debian's chromium, headless, playwright-core), on a fresh
 * pipeline (its own database, topics, keyspace and Spark checkpoint): the Real-time Mode job's lag
 * row before its first batch commits, and the latency heading beside its chart, before any user
 * and after 300 stored. The monitor starts first, as on a stack just brought up: the users are
 * stored within its first window (the compose stack's monitor drew no latency for them).
 */
describe('monitor labels (real browser, fresh pipeline)', () => {
  const id = uniqueName('monlabels');
  const outDir = join(repoRoot, '.stack', 'logs', 'monitor-it', id);
  const n = 300;
  let pipeline: IsolatedPipeline;
  let env: Record<string, string> = {};
  const cassandra = createCassandraClient(config.cassandra);
  const kafka = createKafka(config.kafka);
  let browser: Browser;
  let page: Page;

  const storedInCassandra = () => storedRows(cassandra, id);
  const messages = (topic: string) => topicMessages(kafka, topic);
  /** The Real-time Mode query's checkpoint: begun (its metadata, written at the start) and the batches committed. */
  const realtimeQuery = async () => {
    const dir = join(env.SPARK_JOB_CHECKPOINT_DIR!, 'realtime');
    const committed = await readdir(join(dir, 'commits')).then((names) => names.filter((f) => /^\d+$/.test(f)), () => [] as string[]);
    return { begun: existsSync(join(dir, 'metadata')), committed };
  };
  const heading = () => page.locator('#latency-now span');
  const drawn = async () => Number(await page.locator('#chart-latency').getAttribute('data-drawn'));

  beforeAll(async () => {
    const executablePath = await ensureSystemChromium();
    mkdirSync(outDir, { recursive: true });
    pipeline = await startIsolatedPipeline(config, id, {
      logDir: outDir,
      ready: ['monitor', 'relay', 'spark-launcher', 'cassandra-writer'],
      readyTimeoutMs: 240_000,
      env: {
        MONITOR_SAMPLE_INTERVAL_MS: '1000',
        MONITOR_SLOW_INTERVAL_MS: '3000',
        // Every user of this test in the latency window, however slowly this machine stores them.
        MONITOR_LATENCY_WINDOW_MS: '900000',
        // The first Real-time Mode batch outlasts the test: its end is what the page must not call a stall.
        SPARK_JOB_REALTIME_BATCH_DURATION: '30 minutes',
      },
    });
    env = pipeline.env;
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    await page.goto(pipeline.endpoint('monitor'));
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 30_000 });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    await cassandra.shutdown();
  });

  it('says no users were stored while the latency chart draws no point', { timeout: 60_000 }, async () => {
    await page.locator('#latency-now span[data-figures]').waitFor({ timeout: 30_000 });
    expect(await storedInCassandra()).toBe(0);
    expect(await heading().textContent()).toBe('no users stored in the last 15 min');
    expect(await heading().getAttribute('data-figures')).toBe('no');
    expect(await drawn()).toBe(0);
  });

  it("reads 'first batch in progress' on the Spark job's lag row, not stalled, until its first batch commits", { timeout: 600_000 }, async () => {
    const ingested = lastJsonLine<{ staged: number }>(runAppToEnd('ingestor', ['--source', 'generator', '--seed', id, '--count', String(n), '--json'], { env: { ...env, LOG_LEVEL: 'warn' } }), 'the ingestor');
    expect(ingested.staged).toBe(n);
    await waitFor(async () => (await storedInCassandra()) >= n, { timeoutMs: 360_000, intervalMs: 1000, what: `${n} users in Cassandra` });
    expect(await storedInCassandra()).toBe(n);
    expect(await messages(env.TOPIC_USERS_CREATED!)).toBe(n);

    // Every record processed and stored, and the first batch still running: nothing committed.
    expect(await realtimeQuery()).toEqual({ begun: true, committed: [] });
    const group = env.SPARK_JOB_APP_NAME!;
    const total = page.locator(`#lag tr.group-total[data-group="${group}"]`);
    // Its position stays at the log start until the batch commits: lag = every message of the topic.
    await waitFor(async () => (await total.locator('td[data-value]').getAttribute('data-value')) === String(n), { timeoutMs: 60_000, what: `the Spark row's lag at ${n}` });
    expect(await total.locator('td').first().textContent()).toBe(`${group} (spark checkpoint, realtime: first batch in progress)`);
    const cells = page.locator(`#lag tr[data-group="${group}"] td[data-lag-state]`);
    expect(await cells.count()).toBe(4); // the group's row and its 3 partitions
    expect(await cells.allTextContents()).toEqual(Array(4).fill('first batch in progress'));
    expect(await page.locator(`#lag tr[data-group="${group}"] td.warn`).count()).toBe(0);
    // The writer, caught up, reads 0 s.
    const writerTotal = page.locator(`#lag tr.group-total[data-group="${env.WRITER_GROUP_ID!}"]`);
    await waitFor(async () => (await writerTotal.locator('td[data-value]').getAttribute('data-value')) === '0', { timeoutMs: 60_000, what: 'the writer caught up on the page' });
    expect(await writerTotal.locator('td[data-lag-state]').textContent()).toBe('0 s');
    expect(await realtimeQuery()).toEqual({ begun: true, committed: [] });
  });

  it('names the latency of the users stored, and the chart draws them', { timeout: 120_000 }, async () => {
    await page.locator('#latency-now span[data-figures="yes"]').waitFor({ timeout: 60_000 });
    // The heading counts the users the writer observed: its histogram's count, and Cassandra's rows.
    const writerCount = sumSamples(parsePrometheusText(await (await fetch(`${pipeline.endpoint('cassandra-writer')}/metrics`)).text()), 'streamline_end_to_end_latency_seconds_count');
    expect(writerCount).toBe(n);
    await waitFor(async () => (await heading().textContent())!.includes(`(${n} users stored in the last 15 min)`), { timeoutMs: 30_000, what: `the heading naming ${n} users` });
    expect(await heading().textContent()).toMatch(new RegExp(`^p50 \\d[\\d.]* (?:m?s|min) · p95 \\d[\\d.]* (?:m?s|min) · p99 \\d[\\d.]* (?:m?s|min) \\(${n} users stored in the last 15 min\\)$`));
    expect(await drawn()).toBeGreaterThan(0);
    await page.screenshot({ path: join(outDir, 'monitor-labels.png'), fullPage: true });
    console.log(`monitor labels: screenshot ${join(outDir, 'monitor-labels.png')}`);
  });
});
