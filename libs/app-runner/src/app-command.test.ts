import { describe, expect, it } from 'vitest';
import { appCommand } from './app-command.mjs';

describe('appCommand', () => {
  it('gives the ingestor its node flags before the script, and its args after', () => {
    const { command, args } = appCommand('ingestor', ['--count', '5']);
    expect(command).toBe(process.execPath);
    expect(args[0]).toBe('--max-semi-space-size=64');
    expect(args.slice(-2)).toEqual(['--count', '5']);
    expect(args.indexOf('--max-semi-space-size=64')).toBeLessThan(args.findIndex((a) => a.endsWith('main.ts') || a.endsWith('main.js')));
  });

  it('gives the other apps no node flags', () => {
    const { args } = appCommand('relay', ['--help']);
    expect(args.some((a) => a.startsWith('--max-semi-space-size'))).toBe(false);
  });
});
