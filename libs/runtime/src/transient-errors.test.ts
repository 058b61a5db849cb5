import { describe, expect, it } from 'vitest';
import { StreamlineError } from './errors.js';
import { isTransientDependencyError } from './transient-errors.js';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe('isTransientDependencyError', () => {
  it('passes servers that are down, restarting or overloaded', () => {
    expect(isTransientDependencyError(withProps('connect ECONNREFUSED 127.0.0.1:5433', { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientDependencyError(withProps('the database system is shutting down', { code: '57P03' }))).toBe(true);
    expect(isTransientDependencyError(withProps('terminating connection due to administrator command', { code: '57P01' }))).toBe(true);
    expect(isTransientDependencyError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDependencyError(withProps('no broker', { name: 'KafkaJSConnectionError' }))).toBe(true);
    expect(isTransientDependencyError(withProps('leader moved', { name: 'KafkaJSProtocolError', retriable: true }))).toBe(true);
    expect(isTransientDependencyError(withProps('All host(s) tried for query failed', { name: 'NoHostAvailableError' }))).toBe(true);
    expect(isTransientDependencyError(withProps('Request failed with status code 503', { response: { status: 503 } }))).toBe(true);
    expect(isTransientDependencyError(new StreamlineError('busy', { retriable: true }))).toBe(true);
  });

  it('tells PostgreSQL SQLSTATEs apart: connection, shutdown, contention pass; data and syntax errors do not', () => {
    for (const code of ['08006', '08001', '40001', '40P01', '53300', '57P01', '57P02', '57P03']) expect(isTransientDependencyError(withProps('x', { code })), code).toBe(true);
    for (const code of ['23505', '42601', '22P02', '42P01']) expect(isTransientDependencyError(withProps('x', { code })), code).toBe(false);
  });

  it('looks through the cause chain (fetch failed wraps the socket error)', () => {
    const refused = withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' });
    expect(isTransientDependencyError(new TypeError('fetch failed', { cause: refused }))).toBe(true);
    expect(isTransientDependencyError(new StreamlineError('staging failed', { cause: refused }))).toBe(false); // said so: not retriable
    expect(isTransientDependencyError(new Error('wrapped', { cause: refused }))).toBe(true);
  });

  it('fails fast on answers and bugs: bad SQL, a refused schema, programming errors', () => {
    expect(isTransientDependencyError(withProps('relation "outbox" does not exist', { code: '42P01' }))).toBe(false);
    expect(isTransientDependencyError(withProps('password authentication failed', { code: '28P01' }))).toBe(false);
    expect(isTransientDependencyError(withProps('Schema being registered is incompatible', { status: 409 }))).toBe(false);
    expect(isTransientDependencyError(withProps('topic not allowed', { name: 'KafkaJSProtocolError', retriable: false }))).toBe(false);
    expect(isTransientDependencyError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientDependencyError('a string')).toBe(false);
    expect(isTransientDependencyError(undefined)).toBe(false);
  });
});
