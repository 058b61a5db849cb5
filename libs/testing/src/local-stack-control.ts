import { stackCli } from '@streamline/stack-control';

export { stackCli };

/**
 * For fault tests on the local stack: `npm run stack -- down|up <components>`. `up` with no
 * component brings back anything a test stopped, and whatever stopped with it.
 */
export function localStack(command: 'up' | 'down', components: string[] = []): void {
  // The servers only: the tests run their own apps (the stack's would hold the usual ports).
  stackCli(command === 'up' && components.length === 0 ? ['up', '--no-apps'] : [command, ...components], 'pipe');
}
