import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, type PgPool } from '@streamline/clients';
import { createIsolatedRun, repoRoot, startApp, stopApp, type AppProcess, type IsolatedRun } from '@streamline/app-runner';
import { parsePrometheusText } from '@streamline/runtime';
import { dropOutboxSlot, ensureOutboxSlot, migrateStaging, outboxSlotLag } from '@streamline/staging';
import { testConnections, uniqueName, waitFor } from '@streamline/testing';
import { ensureSystemChromium } from './support/system-chromium.js';

const config = testConnections();
const MiB = 1024 ** 2;

/**
 * A WAL relay's replication slot with no relay reading it (the disk risk), on the stack's real
 * PostgreSQL (wal_level=logical): the real monitor, with its alert at 1 MiB, shows the slot beside
 * the outbox figures as inactive, then the alert line once 2 MiB of WAL pass it, and exports both
 * on its /metrics; after the slot is dropped, nothing of it is left. In Debian's chromium.
 */
describe('monitor: a replication slot falling behind (real browser, real PostgreSQL)', () => {
  const id = uniqueName('monslot');
  const outDir = join(repoRoot, '.stack', 'logs', 'monitor-it', id);
  const names = { slot: id, publication: `${id}_pub` };
  let run: IsolatedRun;
  let pool: PgPool;
  let monitor: AppProcess;
  let browser: Browser;
  let page: Page;

  const metrics = async (): Promise<ReturnType<typeof parsePrometheusText>> =>
    parsePrometheusText(await (await fetch(`${monitor.endpoint}/metrics`)).text()).filter((s) => s.name.startsWith('streamline_monitor_slot_') && s.labels.slot === id);
  const metric = async (name: string) => (await metrics()).find((s) => s.name === name)?.value;
  const figure = (which: 'lag' | 'records' | 'reader' | 'growth') => page.locator(`[data-stage="published"] li[data-slot="${id}"][data-slot-figure="${which}"] .n`);

  beforeAll(async () => {
    const executablePath = await ensureSystemChromium();
    mkdirSync(outDir, { recursive: true });
    run = await createIsolatedRun(config, id);
    pool = createPgPool({ ...config.pg, database: id }, { max: 2 });
    await migrateStaging(pool);
    // As a WAL relay makes it (the slot, the publication, its position row); no relay ever reads it.
    expect(await ensureOutboxSlot(pool, names)).toEqual({ created: true });
    // Three rows staged after the slot: what it owes.
    for (let i = 0; i < 3; i++) {
      await pool.query(`INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES ($1, 'user', $2, 'UserCreated', '{}')`, [randomUUID(), randomUUID()]);
    }
    monitor = await startApp('monitor', {
      logDir: outDir,
      env: { ...run.env, MONITOR_SLOT_LAG_ALERT_MB: '1', MONITOR_SAMPLE_INTERVAL_MS: '1000', MONITOR_AIRFLOW_URL: 'none' },
    });
    await waitFor(async () => (await fetch(`${monitor.endpoint}/healthz`).catch(() => null))?.status === 200, { timeoutMs: 120_000, what: 'the monitor ready' });
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(monitor.endpoint);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 30_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (monitor) await stopApp(monitor);
    // A slot left behind would hold the stack's WAL for good (and keeps its database from being dropped).
    await dropOutboxSlot(pool, id).catch(() => undefined);
    await pool?.end();
    await run?.drop();
  });

  it('shows the slot beside the outbox figures, inactive, with the records it owes', { timeout: 60_000 }, async () => {
    await figure('reader').waitFor({ timeout: 30_000 });
    const labels = await page.locator(`[data-stage="published"] li[data-slot="${id}"] > span:first-child`).allTextContents();
    expect(labels.slice(0, 4)).toEqual([`replication slot ${id}`, 'WAL held', 'records not confirmed', 'reader']);
    expect(await figure('reader').textContent()).toBe('none (inactive)');
    expect(await figure('reader').getAttribute('class')).toContain('nonzero'); // orange
    await waitFor(async () => (await figure('records').getAttribute('data-value')) === '3', { timeoutMs: 30_000, what: 'the slot owing 3 records on the page' });
    expect(await metric('streamline_monitor_slot_active')).toBe(0);
  });

  it('raises the alert line and the alert metric once the slot holds more than the threshold', { timeout: 120_000 }, async () => {
    // 2 MiB of WAL (a non-transactional logical message is written at once), which the slot holds.
    await pool.query(`SELECT pg_logical_emit_message(false, 'streamline-monitor-test', repeat('x', $1::int))`, [2 * MiB]);
    const alert = page.locator(`#alerts li[data-slot="${id}"]`);
    await alert.waitFor({ timeout: 30_000 });
    expect(await page.locator('#alerts').isVisible()).toBe(true);
    expect(await alert.textContent()).toMatch(
      new RegExp(`^Replication slot ${id} holds \\d+\\.\\d MiB of WAL, over the alert threshold of 1\\.0 MiB: PostgreSQL keeps it on disk until the slot moves\\. No relay is reading it \\(inactive\\)`),
    );
    const shown = Number(await figure('lag').getAttribute('data-value'));
    expect(shown).toBeGreaterThan(2 * MiB);
    // The page's figure is PostgreSQL's: at most what the server reports now (the WAL only grows).
    expect(shown).toBeLessThanOrEqual((await outboxSlotLag(pool, id))!.lagBytes);
    expect(await figure('lag').textContent()).toMatch(/^\d+\.\d MiB$/);
    // No reader, and the WAL it holds grew since the page's first figures: said so, in orange.
    await figure('growth').waitFor({ timeout: 10_000 });
    expect(await figure('growth').textContent()).toMatch(/^\d+(\.\d)? (B|KiB|MiB)\/s$/);
    expect(await figure('growth').getAttribute('class')).toContain('nonzero');
    await waitFor(async () => (await metric('streamline_monitor_slot_lag_alert')) === 1, { timeoutMs: 10_000, what: 'the alert gauge at 1' });
    expect(await metric('streamline_monitor_slot_lag_bytes')).toBeGreaterThan(2 * MiB);
    await page.screenshot({ path: join(outDir, 'slot-lag.png'), fullPage: false });
    console.log(`monitor slot lag: screenshot ${join(outDir, 'slot-lag.png')}`);
  });

  it('shows nothing of the slot once it is dropped (as for a relay that polls)', { timeout: 60_000 }, async () => {
    expect(await dropOutboxSlot(pool, id)).toBe(true);
    await waitFor(async () => (await page.locator('li.slot').count()) === 0, { timeoutMs: 30_000, what: 'the slot gone from the page' });
    expect(await page.locator('#alerts').isHidden()).toBe(true);
    // Its recorded position stays in outbox_wal_positions: the page follows pg_replication_slots.
    expect((await pool.query('SELECT 1 FROM outbox_wal_positions WHERE slot = $1', [id])).rowCount).toBe(1);
    expect(await metrics()).toEqual([]);
  });
});
