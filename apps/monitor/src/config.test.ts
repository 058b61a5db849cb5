import { describe, expect, it } from 'vitest';
import { JOB_OPTIONS } from '@streamline/spark-job-contract';
import { ConfigError } from '@streamline/config';
import {
  appBasicsBadValues,
  badValueCases,
  type BadValues,
  configErrorOf,
  CONNECTION_FREE_FORM,
  type FreeForm,
  settingsRead,
  STACK_LAYOUT_FREE_FORM,
  uncoveredSettings,
} from '@streamline/config/testing';
import { loadMonitorConfig } from './config.js';

describe('loadMonitorConfig', () => {
  it('defaults to port 9400 and the apps on their own default ports', () => {
    const c = loadMonitorConfig({}, {}, '/repo');
    expect(c.http.port).toBe(9400);
    expect(c.appUrls).toEqual({
      ingestor: ['http://127.0.0.1:9401'],
      relay: ['http://127.0.0.1:9402'],
      'spark-launcher': ['http://127.0.0.1:9403'],
      'cassandra-writer': ['http://127.0.0.1:9404'],
    });
    expect(c.topics).toEqual({ created: 'users_created', processed: 'users_processed', dlq: 'users_dlq' });
    expect(c.writerGroupId).toBe('cassandra-writer');
    expect(c.airflow?.passwordFile).toBe('/repo/.stack/data/airflow/simple_auth_manager_passwords.json.generated');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('watches no Airflow with MONITOR_AIRFLOW_URL=none (a stack without it: compose, for now)', () => {
    expect(loadMonitorConfig({ MONITOR_AIRFLOW_URL: 'none' }, {}, '/repo').airflow).toBeNull();
    expect(loadMonitorConfig({ MONITOR_AIRFLOW_URL: 'http://airflow:8080/' }, {}, '/repo').airflow?.url).toBe('http://airflow:8080');
  });

  it('follows the env a pipeline runs with: its ports, topics, group', () => {
    const c = loadMonitorConfig(
      { RELAY_HTTP_PORT: '5001', WRITER_HTTP_PORT: '5002', TOPIC_USERS_DLQ: 'x_dlq', WRITER_GROUP_ID: 'g', MONITOR_HTTP_PORT: '0' },
      {},
      '/repo',
    );
    expect(c.appUrls.relay).toEqual(['http://127.0.0.1:5001']);
    expect(c.appUrls['cassandra-writer']).toEqual(['http://127.0.0.1:5002']);
    expect(c.topics.dlq).toBe('x_dlq');
    expect(c.writerGroupId).toBe('g');
    expect(c.http.port).toBe(0);
  });

  it("reads the job's name where the launcher sets it (the job contract's variable), with the job's default; not its checkpoint", () => {
    const { checkpointDir, appName } = JOB_OPTIONS;
    expect(loadMonitorConfig({ [appName.env]: 'job-name' }, {}, '/repo').spark).toEqual({ appName: 'job-name' });
    expect(loadMonitorConfig({}, {}, '/repo').spark).toEqual({ appName: appName.default });
    // The job's position comes from its launcher's /healthz: the checkpoint's variable is not read.
    expect(settingsRead((env, flags) => loadMonitorConfig(env, flags)).variables).not.toContain(checkpointDir.env);
  });

  it('takes --port over MONITOR_HTTP_PORT, and MONITOR_APP_URLS over the ports', () => {
    const c = loadMonitorConfig({ MONITOR_HTTP_PORT: '9500', MONITOR_APP_URLS: 'relay=http://relay:9402/, cassandra-writer=http://writer:9404' }, { port: '9600' });
    expect(c.http.port).toBe(9600);
    expect(c.appUrls.relay).toEqual(['http://relay:9402']);
    expect(c.appUrls['cassandra-writer']).toEqual(['http://writer:9404']);
    expect(c.appUrls.ingestor).toEqual(['http://127.0.0.1:9401']);
  });

  it('watches every instance MONITOR_APP_URLS names an app with (the cluster: two relays, two writers)', () => {
    const c = loadMonitorConfig({ MONITOR_APP_URLS: 'relay=http://relay:9402,relay=http://relay-2:9402,cassandra-writer=http://cassandra-writer:9404' });
    expect(c.appUrls.relay).toEqual(['http://relay:9402', 'http://relay-2:9402']);
    expect(c.appUrls['cassandra-writer']).toEqual(['http://cassandra-writer:9404']);
  });

  it('alerts on a replication slot above 1 GiB by default; MONITOR_SLOT_LAG_ALERT_MB sets it in MiB', () => {
    expect(loadMonitorConfig({}, {}, '/repo').slotLagAlertBytes).toBe(1024 ** 3);
    expect(loadMonitorConfig({ MONITOR_SLOT_LAG_ALERT_MB: '1' }, {}, '/repo').slotLagAlertBytes).toBe(1024 ** 2);
    // Past the settings' 2^31 in bytes: a busy server's threshold may be tens of GiB.
    expect(loadMonitorConfig({ MONITOR_SLOT_LAG_ALERT_MB: '20480' }, {}, '/repo').slotLagAlertBytes).toBe(20 * 1024 ** 3);
  });

  it('names the bad setting in one line', () => {
    expect(() => loadMonitorConfig({}, { port: 'abc' })).toThrow(ConfigError);
    expect(() => loadMonitorConfig({}, { port: 'abc' })).toThrow(/--port/);
    expect(() => loadMonitorConfig({ MONITOR_APP_URLS: 'spark=http://x' })).toThrow(/MONITOR_APP_URLS.*app=url pairs/);
    expect(() => loadMonitorConfig({ MONITOR_SAMPLE_INTERVAL_MS: '-1' })).toThrow(/MONITOR_SAMPLE_INTERVAL_MS/);
  });
});

describe('loadMonitorConfig: every variable refuses a bad value, naming it', () => {
  const table: BadValues = {
    ...appBasicsBadValues('monitor', 'MONITOR'),
    INGESTOR_HTTP_PORT: ['0', '65536'],
    RELAY_HTTP_PORT: ['x'],
    SPARK_LAUNCHER_HTTP_PORT: ['-1'],
    WRITER_HTTP_PORT: ['9404.5'],
    MONITOR_APP_URLS: ['relay', 'spark=http://x:1', 'relay=localhost:9402', 'relay=ftp://x/'],
    TOPIC_USERS_CREATED: ['bad topic'],
    TOPIC_USERS_PROCESSED: ['t'.repeat(250)],
    TOPIC_USERS_DLQ: ['a/b'],
    CASSANDRA_KEYSPACE: ['1ks', 'my-keyspace'],
    CASSANDRA_TABLE: ['users table'],
    WRITER_GROUP_ID: ['my group'],
    SPARK_JOB_APP_NAME: ['my app'],
    AIRFLOW_PORT: ['0', 'http'],
    MONITOR_AIRFLOW_URL: ['localhost:8080', 'ftp://airflow/'],
    MONITOR_AIRFLOW_USERNAME: ['the admin'],
    MONITOR_SAMPLE_INTERVAL_MS: ['0', '99', '2s'],
    MONITOR_SLOW_INTERVAL_MS: ['100'],
    MONITOR_HISTORY_MINUTES: ['0', '100000'],
    MONITOR_RATE_WINDOW_MS: ['999'],
    MONITOR_LATENCY_WINDOW_MS: ['-1'],
    MONITOR_LAG_WINDOW_MS: ['1m'],
    MONITOR_SLOT_LAG_ALERT_MB: ['0', '1GB', '1.5', '1048577'],
    MONITOR_DLQ_KEEP: ['0', '2000000'],
    MONITOR_DLQ_KEEP_MB: ['0', '16MB'],
    MONITOR_AUTH: ['yes', 'true'],
    MONITOR_ALLOWED_HOSTS: ['http://monitor', 'monitor:9400', 'a b'],
    MONITOR_SSE_MAX_CLIENTS: ['0', 'many'],
    MONITOR_SSE_MAX_BUFFER_KB: ['1', '1MB'],
    MONITOR_FIND_POOL_MAX: ['0', '21'],
    MONITOR_FIND_TIMEOUT_MS: ['10', '3s'],
    MONITOR_FIND_PER_MINUTE: ['0'],
  };
  const free: FreeForm = {
    ...CONNECTION_FREE_FORM,
    ...STACK_LAYOUT_FREE_FORM,
    MONITOR_AIRFLOW_PASSWORD: 'any string is a password',
    MONITOR_AIRFLOW_PASSWORD_FILE: 'a path, read when Airflow is asked (its error shows on the page)',
    MONITOR_PUBLIC_DIR: 'a path, checked when the server starts',
  };

  it('has a case for every variable it reads (a new variable needs one here)', () => {
    expect(uncoveredSettings(settingsRead((env, flags) => loadMonitorConfig(env, flags)).variables, table, free)).toEqual({ untested: [], unread: [] });
  });

  it.each(badValueCases(table))('refuses $name=$value', ({ name, value, env }) => {
    const error = configErrorOf(() => loadMonitorConfig({ ...env, [name]: value }));
    expect(error).toMatchObject({ variable: name, value });
    expect(error.message.startsWith(`invalid ${name}=${JSON.stringify(value)}: `)).toBe(true);
  });
});
