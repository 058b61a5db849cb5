import { describeError, StreamlineError } from '@streamline/runtime';

/** A write Cassandra did not acknowledge; retriable because every write is an idempotent upsert. */
export class CassandraWriteError extends StreamlineError {
  constructor(count: number, cause: unknown) {
    super(`cassandra did not acknowledge ${count} writes: ${describeError(cause)}`, { retriable: true, cause });
  }
}

/** The registry could not be asked (down, 5xx, timeout): retry the batch, do not DLQ the message. */
export class RegistryUnavailableError extends StreamlineError {
  constructor(cause: unknown) {
    super(`schema registry unavailable: ${describeError(cause)}`, { retriable: true, cause });
  }
}

/** A Cassandra migration could not be applied (a claim never released, a statement refused). */
export class MigrationError extends StreamlineError {}

/** The consumer crashed and kafkajs will not restart it. */
export class WriterCrashedError extends StreamlineError {}
