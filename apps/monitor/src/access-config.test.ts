import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMonitorAccess } from './access-config.js';

// A repo root with no .stack: no generated token to fall back to.
const root = mkdtempSync(join(tmpdir(), 'monitor-access-'));
const env = (over: Record<string, string> = {}) => ({ STREAMLINE_STACK_DIR: join(root, '.stack'), ...over });

describe('loadMonitorAccess', () => {
  it('asks for no token on loopback by default', () => {
    expect(loadMonitorAccess(env(), '127.0.0.1', root)).toEqual({ allowedHosts: [], token: undefined });
  });

  it('beyond loopback (the images: STREAMLINE_HTTP_HOST=0.0.0.0) requires a token and refuses to start without', () => {
    expect(() => loadMonitorAccess(env(), '0.0.0.0', root)).toThrow(/MONITOR_AUTH_TOKEN=\(unset\): required when the monitor listens beyond loopback \(STREAMLINE_HTTP_HOST=0\.0\.0\.0\)/);
    expect(() => loadMonitorAccess(env({ MONITOR_AUTH: 'off' }), '0.0.0.0', root)).toThrow(/MONITOR_AUTH="off": refused/);
    expect(loadMonitorAccess(env({ MONITOR_AUTH_TOKEN: 'sixteen-chars-ok' }), '0.0.0.0', root).token).toBe('sixteen-chars-ok');
  });

  it('reads the token from a file, refuses a short one, and MONITOR_AUTH=on asks for it on loopback too', () => {
    const file = join(root, 'token');
    writeFileSync(file, 'from-a-file-0123456789\n');
    expect(loadMonitorAccess(env({ MONITOR_AUTH_TOKEN_FILE: file, MONITOR_AUTH: 'on' }), '127.0.0.1', root).token).toBe('from-a-file-0123456789');
    expect(() => loadMonitorAccess(env({ MONITOR_AUTH_TOKEN: 'short' }), '0.0.0.0', root)).toThrow(/MONITOR_AUTH_TOKEN/);
    expect(() => loadMonitorAccess(env({ MONITOR_AUTH_TOKEN_FILE: join(root, 'missing') }), '0.0.0.0', root)).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('takes extra Host names, refusing a URL or a port', () => {
    expect(loadMonitorAccess(env({ MONITOR_ALLOWED_HOSTS: 'monitor, dash.example.org' }), '127.0.0.1', root).allowedHosts).toEqual(['monitor', 'dash.example.org']);
    expect(() => loadMonitorAccess(env({ MONITOR_ALLOWED_HOSTS: 'http://x' }), '127.0.0.1', root)).toThrow(/MONITOR_ALLOWED_HOSTS/);
  });
});
