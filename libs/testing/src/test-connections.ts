import { inject } from 'vitest';
import { loadConnectionConfig, type ConnectionConfig } from '@streamline/config';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Env overrides from the global setup (the Docker path maps ports at random). */
    stackEnv: Record<string, string>;
  }
}

/** Addresses of the servers the tests run against, whichever STACK mode started them. */
export function testConnections(): ConnectionConfig {
  let provided: Record<string, string> = {};
  try {
    provided = inject('stackEnv') ?? {};
  } catch {
    // Not under the integration project's global setup: plain env.
  }
  return loadConnectionConfig({ ...process.env, ...provided });
}
