import { randomBytes } from 'node:crypto';

/** A fresh name per test (topics, tables, groups), valid in Kafka, PostgreSQL and CQL. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
}
