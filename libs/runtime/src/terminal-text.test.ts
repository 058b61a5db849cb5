import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeJson, terminalSafeLines } from './terminal-text.js';

describe('terminalSafe', () => {
  it('shows escape sequences instead of sending them', () => {
    expect(terminalSafe('Ann\u001b[2J\u001b]0;pwned\u0007')).toBe('Ann\\x1b[2J\\x1b]0;pwned\\x07');
    expect(terminalSafe('a\u009b31mb')).toBe('a\\x9b31mb'); // C1 CSI
    expect(terminalSafe('x\u007fy\u0000z')).toBe('x\\x7fy\\x00z');
  });

  it('keeps a cell on its line and the line in its order', () => {
    expect(terminalSafe('line1\nline2\r\tx')).toBe('line1\\x0aline2\\x0d\\x09x');
    expect(terminalSafe('user\u202egnp.exe')).toBe('user\\u202egnp.exe');
    expect(terminalSafe('a\u2028b\u2066c')).toBe('a\\u2028b\\u2066c');
  });

  it('leaves ordinary text alone, accents, CJK and emoji included', () => {
    const text = 'José Müller 山田 😀 o\'brien@example.com \\ path';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('terminalSafeJson', () => {
  it('escapes what JSON.stringify leaves raw, keeping the same value', () => {
    const value = { name: 'a\u009b2Jb\u202e\u007f', ok: 'é' };
    const json = terminalSafeJson(JSON.stringify(value));
    expect(json).toBe('{"name":"a\\u009b2Jb\\u202e\\u007f","ok":"é"}');
    expect(JSON.parse(json)).toEqual(value);
    expect(terminalSafeJson(JSON.stringify({ e: '\u001b[31m' }))).toBe('{"e":"\\u001b[31m"}');
  });

  it('keeps indented JSON valid: its newlines and spaces are layout (user-query --json prints it so)', () => {
    const value = { name: 'a\u009b2Jb', tab: 'x\ty', nested: { list: [1, 'z\u202e'] } };
    const pretty = terminalSafeJson(JSON.stringify(value, null, 2));
    expect(pretty.split('\n').length).toBeGreaterThan(5);
    expect(JSON.parse(pretty)).toEqual(value);
    expect(pretty).not.toMatch(/[\u0080-\u009f\u202e]/);
  });
});

describe('terminalSafeLines', () => {
  it('keeps the view\'s own lines and escapes the rest', () => {
    expect(terminalSafeLines('topic a\u001b[2J\nlag\r0')).toBe('topic a\\x1b[2J\nlag\\x0d0');
  });
});
