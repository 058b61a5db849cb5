import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Env, readStackCredentials, type StackCredentials, stackCredentialsFile } from '@streamline/config';
import { ensureDir } from './paths.js';

const secret = () => randomBytes(24).toString('base64url');

/**
 * The stack's credentials: generated on its first `up` (random, URL-safe), kept in
 * `.stack/credentials.json` with mode 600, reused after. Never written to the repository or a log.
 */
/** What `ensureStackCredentials` returns: the registry's login is always there (added to older files). */
export type EnsuredCredentials = StackCredentials & Required<Pick<StackCredentials, 'registry'>>;

export function ensureStackCredentials(env: Env = process.env, repoRoot = process.cwd()): { file: string; credentials: EnsuredCredentials; created: boolean } {
  const file = stackCredentialsFile(env, repoRoot);
  const existing = readStackCredentials(env, repoRoot);
  // A stack made before the monitor had a token keeps its file as it is (other checkouts share
  // it): its monitor, on loopback, needs none; MONITOR_AUTH_TOKEN sets one.
  if (existing?.registry) {
    chmodSync(file, 0o600);
    return { file, credentials: { ...existing, registry: existing.registry }, created: false };
  }
  // A stack made before the registry asked for a login gains one; the rest of its file stays.
  if (existing) return write(file, { ...existing, registry: registryLogin() }, false);
  const credentials: EnsuredCredentials = {
    pg: { password: secret() },
    cassandra: { username: 'streamline', password: secret() },
    kafka: { username: 'streamline', password: secret() },
    airflow: { jwtSecret: secret(), secretKey: secret() },
    registry: registryLogin(),
    monitor: { token: secret() },
  };
  return write(file, credentials, true);
}

const registryLogin = () => ({ username: 'streamline', password: secret() });

function write(file: string, credentials: EnsuredCredentials, created: boolean) {
  ensureDir(dirname(file));
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, credentials, created };
}
