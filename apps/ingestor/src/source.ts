import { randomBytes } from 'node:crypto';
import type { IngestSource } from './constants.js';
import type { Logger } from '@streamline/runtime';
import type { UserSource } from '@streamline/user-schema';
import { type ProbeResult, probeApi } from './api-client.js';

export interface SourceChoice {
  source: UserSource;
  /** Why, in a few words (logged and shown to the user). */
  reason: string;
}

/**
 * `api` and `generator` are taken as asked. `auto` probes the API once with a short timeout: the
 * API when it answers like randomuser.me, else the offline generator.
 */
export async function chooseSource(
  wanted: IngestSource,
  apiUrl: string,
  probeTimeoutMs: number,
  log: Logger,
  probe: (url: string, timeoutMs: number) => Promise<ProbeResult> = probeApi,
): Promise<SourceChoice> {
  if (wanted !== 'auto') return { source: wanted, reason: `--source ${wanted}` };
  const result = await probe(apiUrl, probeTimeoutMs);
  const choice: SourceChoice = result.reachable
    ? { source: 'api', reason: `${apiUrl} answers` }
    : { source: 'generator', reason: `${apiUrl} unreachable (${result.reason}), using the offline generator` };
  log.info({ source: choice.source, reason: choice.reason }, 'source chosen');
  return choice;
}

/** A seed to print and reuse: the same seed fetches the same users again. */
export function newSeed(): string {
  return randomBytes(6).toString('hex');
}

/** e.g. ingest-20250601T120000Z-a1b2c3: sortable by start time, unique across hosts. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `ingest-${stamp}-${randomBytes(3).toString('hex')}`;
}
