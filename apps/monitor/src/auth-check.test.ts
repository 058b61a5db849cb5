import { describe, expect, it } from 'vitest';
import { authorized, presentedSecret } from './auth-check.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('auth check', () => {
  const token = 'tok_0123456789abcdef';
  it('takes the Basic password (any user) or a Bearer token', () => {
    expect(presentedSecret(basic(`monitor:${token}`))).toBe(token);
    expect(presentedSecret(basic(`:a:b`))).toBe('a:b');
    expect(presentedSecret(`bearer ${token}`)).toBe(token);
    expect(presentedSecret(basic('no-colon'))).toBeUndefined();
    expect(presentedSecret(`Digest x`)).toBeUndefined();
  });
  it('accepts the token only', () => {
    expect(authorized(basic(`someone:${token}`), token)).toBe(true);
    expect(authorized(`Bearer ${token}`, token)).toBe(true);
    for (const h of [undefined, '', basic(`${token}:`), basic(`monitor:${token}x`), `Bearer ${token.slice(1)}`]) expect(authorized(h, token), String(h)).toBe(false);
  });
});
