// Which Host headers the monitor answers to. A page on another site can reach a loopback server
// through DNS rebinding (its own name resolving to 127.0.0.1): the browser then sends that name as
// Host, so only the monitor's own names are served.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** `[::1]` for an IPv6 address, lower case, no trailing dot. */
function normalize(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  return isIP(h) === 6 ? `[${h}]` : h;
}

/**
 * localhost, 127.0.0.1, [::1], the host it listens on (unless a wildcard), the `extra` names
 * (MONITOR_ALLOWED_HOSTS) and, when it listens on every interface, this machine's own addresses
 * (an IP literal cannot be rebound to another site).
 */
export function allowedHostNames(listenHost: string, extra: readonly string[], interfaces = networkInterfaces()): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', ...extra.map(normalize)]);
  if (WILDCARDS.has(listenHost)) {
    for (const list of Object.values(interfaces)) for (const i of list ?? []) names.add(normalize(i.address));
  } else {
    names.add(normalize(listenHost));
  }
  return names;
}

/** The name in a Host header (`name`, `name:port`, `[v6]:port`), or undefined when it is malformed. */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+)(?::\d{1,5})?$/.exec(header.trim());
  return m ? normalize(m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!) : undefined;
}

export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  const host = hostOfHeader(header);
  return host !== undefined && allowed.has(host);
}

/** 127.0.0.0/8, ::1 or localhost: only this machine reaches it. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}
