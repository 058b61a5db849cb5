import { describe, expect, it } from 'vitest';
import { allowedHostNames, hostAllowed, hostOfHeader, isLoopback } from './host-check.js';

describe('host check', () => {
  it('reads the name of a Host header, with or without a port, IPv6 in brackets', () => {
    expect(hostOfHeader('LocalHost:9400')).toBe('localhost');
    expect(hostOfHeader('[::1]:9400')).toBe('[::1]');
    expect(hostOfHeader('example.org.')).toBe('example.org');
    for (const bad of [undefined, '', 'a b', 'x:1:2', 'http://x', '[::1']) expect(hostOfHeader(bad), String(bad)).toBeUndefined();
  });

  it('allows loopback names, the listen host and the extras; a wildcard listen host adds the machine\'s addresses, never a name', () => {
    const named = allowedHostNames('dash.internal', ['monitor']);
    expect([...named].sort()).toEqual(['127.0.0.1', '[::1]', 'dash.internal', 'localhost', 'monitor']);
    const wildcard = allowedHostNames('0.0.0.0', [], { eth0: [{ address: '10.1.2.3', family: 'IPv4' } as never, { address: 'fe80::1', family: 'IPv6' } as never] });
    expect(wildcard.has('10.1.2.3')).toBe(true);
    expect(wildcard.has('[fe80::1]')).toBe(true);
    expect(wildcard.has('0.0.0.0')).toBe(false);
    expect(hostAllowed('10.1.2.3:9400', wildcard)).toBe(true);
    expect(hostAllowed('rebind.attacker.example:9400', wildcard)).toBe(false);
  });

  it('knows loopback', () => {
    for (const h of ['127.0.0.1', '127.5.5.5', '::1', '[::1]', 'localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'monitor']) expect(isLoopback(h), h).toBe(false);
  });
});
