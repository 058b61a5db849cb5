import { describe, expect, it } from 'vitest';
import { makeProcessedUsers } from '@streamline/user-schema/testing';
import { formatTable, keepLatest, toDisplay } from './user-query.js';
import type { StoredUser } from '@streamline/user-table';

const stored: StoredUser[] = makeProcessedUsers(6, { seed: 9, stagedAt: 1_700_000_000_000 }).map((u, i) => ({
  ...u,
  stored_at: 1_700_000_010_000 + [5, 1, 9, 3, 7, 2][i]! * 1000,
}));

describe('user queries', () => {
  it('keeps the N latest by stored_at, newest first', () => {
    expect(keepLatest(stored, 3).map((u) => u.stored_at % 100_000)).toEqual([19_000, 17_000, 15_000]);
    expect(keepLatest(stored, 10)).toHaveLength(6);
    expect(keepLatest([], 3)).toEqual([]);
  });

  it('shows readable dates and the end-to-end latency', () => {
    const shown = toDisplay({ ...stored[0]!, dob: 8102, stored_at: stored[0]!.staged_at + 1234 });
    expect(shown).toMatchObject({ id: stored[0]!.id, dob: '1992-03-08', latency_ms: 1234 });
    expect(shown.stored_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(shown.published_at).toBe(new Date(stored[0]!.published_at).toISOString());
    expect(toDisplay({ ...stored[0]!, published_at: 0 }).published_at).toBe('');
  });

  it('prints an aligned table', () => {
    const text = formatTable([{ id: 'a', n: 1 }, { id: 'bbb', n: 22 }], ['id', 'n']);
    expect(text).toBe(['id   n', '---  --', 'a    1', 'bbb  22'].join('\n'));
  });
});

describe('formatTable escapes control characters in the data', () => {
  it('shows an escape sequence in a stored name instead of sending it to the terminal', () => {
    const table = formatTable([{ id: 'x', first_name: 'Eve\u001b[2J\u001b]0;owned\u0007', last_name: 'a\u009b31m\nb', email: 'e@x' }], ['id', 'first_name', 'last_name', 'email']);
    expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(table.split('\n')).toHaveLength(3); // header, rule, one row: the newline in the name stays in its cell
    expect(table).toContain('Eve\\x1b[2J\\x1b]0;owned\\x07');
    expect(table).toContain('a\\x9b31m\\x0ab');
  });
});
