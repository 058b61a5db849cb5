/** What a Ctrl-C (SIGINT or SIGTERM) means at this point of the run. */
export type CtrlCMeaning = 'stop' | 'repeat' | 'quit';

/**
 * One Ctrl-C means "stop, then finish"; only a second, distinct one quits at once. The same key
 * press can arrive twice: once to the process group from the terminal and once passed on by npm's
 * signal forwarding, a moment apart; a signal within `sameWithinMs` of the first counts as that one.
 */
export function createCtrlC(options: { sameWithinMs?: number; now?: () => number } = {}): { press(): CtrlCMeaning } {
  const { sameWithinMs = 1_000, now = Date.now } = options;
  let firstAt: number | undefined;
  return {
    press() {
      if (firstAt === undefined) {
        firstAt = now();
        return 'stop';
      }
      return now() - firstAt > sameWithinMs ? 'quit' : 'repeat';
    },
  };
}
