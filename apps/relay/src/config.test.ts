import { describe, expect, it } from 'vitest';
import { ConfigError } from '@streamline/config';
import { type BadValues, CONNECTION_FREE_FORM, appBasicsBadValues, badValueCases, configErrorOf, settingsRead, uncoveredSettings } from '@streamline/config/testing';
import { loadRelayConfig } from './config.js';

describe('loadRelayConfig', () => {
  it('routes the user aggregate to the created topic by default, and serves on 9402', () => {
    const config = loadRelayConfig({});
    expect([...config.routes]).toEqual([['user', 'users_created']]);
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 9402, portVariable: 'RELAY_HTTP_PORT' });
    expect(config.retry).toEqual({ minDelayMs: 500, maxDelayMs: 15_000 });
    expect(loadRelayConfig({ TOPIC_USERS_CREATED: 'it_created' }).routes.get('user')).toBe('it_created');
    expect(config).toMatchObject({ outboxRetentionMs: 86_400_000, outboxPruneIntervalMs: 60_000, outboxPruneBatch: 5_000 });
    expect(config).toMatchObject({ source: 'poll', slot: 'streamline_relay', publication: 'streamline_outbox' });
    expect(loadRelayConfig({ RELAY_SOURCE: 'wal', RELAY_SLOT: 'relay_2', RELAY_PUBLICATION: 'outbox_2' })).toMatchObject({ source: 'wal', slot: 'relay_2', publication: 'outbox_2' });
  });

  it('takes several routes and port 0', () => {
    const config = loadRelayConfig({ RELAY_ROUTES: 'user=a, order=b.c', RELAY_HTTP_PORT: '0' });
    expect([...config.routes]).toEqual([['user', 'a'], ['order', 'b.c']]);
    expect(config.http.port).toBe(0);
  });

  it('names the variable and value when one is bad', () => {
    expect(() => loadRelayConfig({ RELAY_ROUTES: 'user' })).toThrow(ConfigError);
    expect(() => loadRelayConfig({ RELAY_ROUTES: 'user=bad topic' })).toThrow(/^invalid RELAY_ROUTES="user=bad topic": expected aggregatetype=topic pairs/);
    expect(() => loadRelayConfig({ RELAY_HTTP_PORT: '70000' })).toThrow(/^invalid RELAY_HTTP_PORT="70000"/);
    expect(() => loadRelayConfig({ RELAY_BATCH_SIZE: '0' })).toThrow(/^invalid RELAY_BATCH_SIZE="0"/);
    expect(() => loadRelayConfig({ RELAY_OUTBOX_RETENTION_MS: '1d' })).toThrow(/^invalid RELAY_OUTBOX_RETENTION_MS="1d"/);
    expect(() => loadRelayConfig({ RELAY_OUTBOX_PRUNE_BATCH: '-5' })).toThrow(/^invalid RELAY_OUTBOX_PRUNE_BATCH="-5"/);
  });
});

describe('loadRelayConfig: every variable refuses a bad value, naming it', () => {
  const table: BadValues = {
    ...appBasicsBadValues('relay', 'RELAY'),
    TOPIC_USERS_CREATED: ['bad topic', 't'.repeat(250)],
    RELAY_ROUTES: ['user', 'user=bad topic', 'user=a=b', ',', '1user=users_created'],
    RELAY_BATCH_SIZE: ['0', 'lots'],
    RELAY_POLL_INTERVAL_MS: ['0', '1s'],
    RELAY_LAG_REPORT_INTERVAL_MS: ['0'],
    RELAY_OUTBOX_RETENTION_MS: ['-1', '1d'],
    RELAY_OUTBOX_PRUNE_INTERVAL_MS: ['0'],
    RELAY_OUTBOX_PRUNE_BATCH: ['0'],
    RELAY_MAX_REQUEST_BYTES: ['1023', '1MB'],
    RELAY_STALL_AFTER_ATTEMPTS: ['0'],
    RELAY_STALL_AFTER_MS: ['-1'],
    RELAY_SOURCE: ['logical', 'WAL'],
    RELAY_SLOT: ['Streamline', 'my-slot', 's'.repeat(64)],
    RELAY_PUBLICATION: ['outbox pub', 'Outbox'],
  };

  it('has a case for every variable it reads (a new variable needs one here)', () => {
    expect(uncoveredSettings(settingsRead(loadRelayConfig).variables, table, CONNECTION_FREE_FORM)).toEqual({ untested: [], unread: [] });
  });

  it.each(badValueCases(table))('refuses $name=$value', ({ name, value, env }) => {
    const error = configErrorOf(() => loadRelayConfig({ ...env, [name]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
  });
});
