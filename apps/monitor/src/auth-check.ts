// The monitor's one credential: a token, sent as the password of HTTP Basic authentication (the
// browser asks once and then sends it with every request, the live channel's included) or as a
// Bearer token (scripts).
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The secret an Authorization header carries (Basic: its password, any user name; Bearer: the token). */
export function presentedSecret(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

/** Compared in constant time (digests of equal length), so the answer's timing says nothing of the token. */
export function authorized(header: string | undefined, token: string): boolean {
  const secret = presentedSecret(header);
  return secret !== undefined && timingSafeEqual(digest(secret), digest(token));
}

export const AUTH_CHALLENGE = 'Basic realm="streamline monitor", charset="UTF-8"';
