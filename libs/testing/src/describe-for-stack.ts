import { describe, it, type TestOptions } from 'vitest';
import { stackMode, type StackMode } from './stack-mode.js';

/**
 * A suite that can only run against some STACK modes (e.g. it drives the local stack's own CLI).
 * In any other mode it is not silently dropped: it shows up as skipped, its name saying why.
 */
export function describeForStack(modes: readonly StackMode[], name: string, why: string, suite: () => void): void {
  const mode = stackMode();
  if (modes.includes(mode)) {
    describe(name, suite);
    return;
  }
  describe(`${name} [skipped under STACK=${mode}: ${why}]`, () => {
    it.skip(`needs STACK=${modes.join(' or ')}`, () => undefined);
  });
}

/** One test that can only run against some STACK modes: elsewhere it shows up as skipped, its name saying why. */
export function itForStack(modes: readonly StackMode[], name: string, why: string, options: TestOptions, test: () => unknown): void {
  const mode = stackMode();
  if (modes.includes(mode)) it(name, options, async () => void (await test()));
  else it.skip(`${name} [skipped under STACK=${mode}: ${why}]`, () => undefined);
}
