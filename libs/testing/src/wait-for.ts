import { pollUntil } from '@streamline/runtime';

/** Polls `check` until it returns a value that is not undefined/false (errors retried), or throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  return pollUntil(check, { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: options.intervalMs ?? 200, what: options.what ?? 'condition', retryErrors: true });
}
