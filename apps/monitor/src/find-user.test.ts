import { describe, expect, it } from 'vitest';
import { createDlqStore } from './dlq-store.js';
import { findUser, whereOf } from './find-user.js';
import { InvalidQueryError } from './errors.js';

describe('whereOf', () => {
  const none = { stored: false, dlq: false, setAside: false, outbox: null, staged: false };

  it('is the furthest stage the record reached', () => {
    expect(whereOf({ ...none, staged: true, outbox: { publishedAt: new Date() }, stored: true })).toBe('stored');
    expect(whereOf({ ...none, staged: true, outbox: { publishedAt: new Date() }, dlq: true })).toBe('dlq');
    expect(whereOf({ ...none, staged: true, setAside: true })).toBe('set aside in the outbox');
    expect(whereOf({ ...none, staged: true, outbox: { publishedAt: null } })).toBe('waiting in the outbox');
    expect(whereOf({ ...none, staged: true, outbox: { publishedAt: new Date() } })).toBe('in flight');
    expect(whereOf({ ...none, staged: true })).toBe('in flight'); // outbox row pruned after publishing
    expect(whereOf(none)).toBe('not found');
  });

  it('stored wins over a dead letter of an earlier copy', () => {
    expect(whereOf({ ...none, stored: true, dlq: true })).toBe('stored');
  });
});

describe('findUser', () => {
  it('refuses a query that is neither a uuid nor an e-mail, before asking any server', async () => {
    const deps = { pg: {}, admin: {}, cassandra: {}, dlq: createDlqStore(1), createdTopic: 't', userTable: { keyspace: 'k', table: 't' }, sparkPosition: () => null } as never;
    await expect(findUser(deps, "x'; DROP TABLE users_raw; --")).rejects.toThrow(InvalidQueryError);
    await expect(findUser(deps, 'not-a-uuid')).rejects.toThrow(/neither a user id \(a uuid\) nor an e-mail address/);
  });
});
