import { describe, expect, it } from 'vitest';
import { createStoredTally } from './stored-rounds.js';

interface Round {
  day: number;
  storedAt: number;
  round: string;
  users: number;
}

/** A client whose rounds table is `rounds`; answers `WHERE day = ? [AND stored_at >= ?]` like Cassandra. */
function fakeClient(rounds: Round[], queries: string[] = []) {
  return {
    async execute(cql: string, params: unknown[]) {
      queries.push(cql);
      const [day, from] = params as [{ toString(): string }, Date | undefined];
      const days = Math.round(Date.parse(`${day.toString()}T00:00:00Z`) / 86_400_000);
      const rows = rounds
        .filter((r) => r.day === days && (from === undefined || r.storedAt >= from.getTime()))
        .map((r) => ({ get: (c: string) => (c === 'stored_at' ? new Date(r.storedAt) : c === 'round' ? r.round : r.users) }));
      return { rows, pageState: null };
    },
  } as never;
}

const DAY = 86_400_000;
const today = 20_000;
const at = (ms: number) => today * DAY + ms;

describe('createStoredTally', () => {
  it('sums the users of the retained days at first, then only new rounds', async () => {
    const rounds: Round[] = [
      { day: today - 3, storedAt: (today - 3) * DAY + 5, round: 'a', users: 500 },
      { day: today, storedAt: at(1000), round: 'b', users: 200 },
    ];
    let now = at(2000);
    const tally = createStoredTally(fakeClient(rounds), 'ks', 'users', { now: () => now });
    expect(await tally.read()).toBe(700);
    rounds.push({ day: today, storedAt: at(3000), round: 'c', users: 50 });
    now = at(4000);
    expect(await tally.read()).toBe(750);
    expect(await tally.read()).toBe(750); // nothing new: nothing counted twice
  });

  it('counts a round inserted late, with a stored_at before the newest seen, within the slack', async () => {
    const rounds: Round[] = [{ day: today, storedAt: at(10_000), round: 'b', users: 10 }];
    const tally = createStoredTally(fakeClient(rounds), 'ks', 'users', { now: () => at(11_000), slackMs: 5000 });
    expect(await tally.read()).toBe(10);
    rounds.push({ day: today, storedAt: at(8000), round: 'late', users: 3 });
    expect(await tally.read()).toBe(13);
  });

  it('looks back across midnight', async () => {
    const rounds: Round[] = [{ day: today - 1, storedAt: at(-1000), round: 'before-midnight', users: 4 }];
    const queries: string[] = [];
    const tally = createStoredTally(fakeClient(rounds, queries), 'ks', 'users', { now: () => at(500), slackMs: 60_000 });
    expect(await tally.read()).toBe(4);
    rounds.push({ day: today - 1, storedAt: at(-200), round: 'late-before-midnight', users: 6 });
    expect(await tally.read()).toBe(10);
    expect(queries.at(-1)).toContain('stored_at >= ?');
  });
});
