// Who may use the monitor: the Host names it answers to and its credential. Beyond loopback
// (STREAMLINE_HTTP_HOST=0.0.0.0, the images' setting) a credential is required, and the monitor
// refuses to start without one.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type Env, isHostName, oneOf, readStackCredentials, readVar } from '@streamline/config';
import { isLoopback } from './host-check.js';

export interface MonitorAccess {
  /** Extra Host names served (MONITOR_ALLOWED_HOSTS), beside localhost, 127.0.0.1, [::1] and the listen host. */
  allowedHosts: string[];
  /** The token (the Basic password, or Bearer) every request but /healthz and /metrics must carry; undefined: none asked. */
  token: string | undefined;
}

const hosts = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .refine((items) => items.every((h) => isHostName(h.replace(/^\[|\]$/g, ''))), 'expected comma-separated host names (no scheme or port)');
const token = z.string().regex(/^[\x21-\x7e]{16,}$/, 'expected at least 16 printable characters, no spaces').optional();

/** MONITOR_AUTH_TOKEN, else the file MONITOR_AUTH_TOKEN_FILE names, else the local stack's generated one. */
function readToken(env: Env, repoRoot: string): string | undefined {
  const direct = readVar(env, 'MONITOR_AUTH_TOKEN', token);
  if (direct) return direct;
  const file = env.MONITOR_AUTH_TOKEN_FILE;
  if (file) {
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError('MONITOR_AUTH_TOKEN_FILE', file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (!token.safeParse(content).success) throw new ConfigError('MONITOR_AUTH_TOKEN_FILE', file, 'must hold a token of at least 16 printable characters');
    return content;
  }
  return readStackCredentials(env, repoRoot)?.monitor?.token;
}

/**
 * MONITOR_AUTH: `auto` (default) asks for the token when the monitor listens beyond loopback,
 * `on` always; `off` is refused beyond loopback.
 */
export function loadMonitorAccess(env: Env, listenHost: string, repoRoot: string): MonitorAccess {
  const mode = readVar(env, 'MONITOR_AUTH', oneOf(['auto', 'on', 'off'] as const, 'auto'));
  const allowedHosts = readVar(env, 'MONITOR_ALLOWED_HOSTS', hosts);
  const loopback = isLoopback(listenHost);
  if (mode === 'off') {
    if (!loopback) throw new ConfigError('MONITOR_AUTH', 'off', `refused: the monitor listens beyond loopback (STREAMLINE_HTTP_HOST=${listenHost}) and shows personal data`);
    return { allowedHosts, token: undefined };
  }
  if (mode === 'auto' && loopback) return { allowedHosts, token: undefined };
  const found = readToken(env, repoRoot);
  if (!found) {
    throw new ConfigError('MONITOR_AUTH_TOKEN', undefined, `required when the monitor listens beyond loopback (STREAMLINE_HTTP_HOST=${listenHost}) or MONITOR_AUTH=on: set it or MONITOR_AUTH_TOKEN_FILE (npm run stack -- up generates one in .stack/credentials.json)`);
  }
  return { allowedHosts, token: found };
}
